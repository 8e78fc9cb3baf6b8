package org.uringfuse.ring.loop;

import static org.uringfuse.ring.abi.IoUringConstants.*;
import static org.uringfuse.ring.loop.SqeSnapshot.ptr;

import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;

/**
 * Runs a file-system SQE as the equivalent blocking syscall, for the epoll backend's worker threads
 * (QEMU's aio=threads). The field mapping mirrors the kernel's prep functions. Thread-safe.
 */
final class SyncOps {
  private SyncOps() {}

  /** True for the opcodes {@link #run} executes. */
  static boolean handles(int opcode) {
    return switch (opcode) {
      case IORING_OP_READ, IORING_OP_WRITE, IORING_OP_READV, IORING_OP_WRITEV, IORING_OP_READ_FIXED,
           IORING_OP_WRITE_FIXED, IORING_OP_FSYNC, IORING_OP_FALLOCATE, IORING_OP_FTRUNCATE,
           IORING_OP_OPENAT, IORING_OP_CLOSE, IORING_OP_STATX, IORING_OP_RENAMEAT, IORING_OP_UNLINKAT,
           IORING_OP_MKDIRAT, IORING_OP_SYMLINKAT, IORING_OP_LINKAT, IORING_OP_CONNECT,
           IORING_OP_SHUTDOWN -> true;
      default -> false;
    };
  }

  /** Executes the op; returns what the CQE's res would be. */
  static int run(SqeSnapshot s) {
    return switch (s.opcode()) {
      case IORING_OP_READ, IORING_OP_READ_FIXED -> (int) (s.off() == -1
          ? LibC.read(s.fd(), ptr(s.addr()), Integer.toUnsignedLong(s.len()))
          : LibC.pread(s.fd(), ptr(s.addr()), Integer.toUnsignedLong(s.len()), s.off()));
      case IORING_OP_WRITE, IORING_OP_WRITE_FIXED -> (int) (s.off() == -1
          ? LibC.write(s.fd(), ptr(s.addr()), Integer.toUnsignedLong(s.len()))
          : LibC.pwrite(s.fd(), ptr(s.addr()), Integer.toUnsignedLong(s.len()), s.off()));
      case IORING_OP_READV -> (int) (s.off() == -1
          ? LibC.readv(s.fd(), ptr(s.addr()), s.len())
          : LibC.preadv(s.fd(), ptr(s.addr()), s.len(), s.off()));
      case IORING_OP_WRITEV -> (int) (s.off() == -1
          ? LibC.writev(s.fd(), ptr(s.addr()), s.len())
          : LibC.pwritev(s.fd(), ptr(s.addr()), s.len(), s.off()));
      case IORING_OP_FSYNC -> (s.opFlags() & IORING_FSYNC_DATASYNC) != 0
          ? LibC.fdatasync(s.fd()) : LibC.fsync(s.fd());
      case IORING_OP_FALLOCATE -> LibC.fallocate(s.fd(), s.len(), s.off(), s.addr());
      case IORING_OP_FTRUNCATE -> LibC.ftruncate(s.fd(), s.off());
      case IORING_OP_OPENAT -> s.fileIndex() != 0
          ? -Errno.EOPNOTSUPP
          : LibC.openat(s.fd(), ptr(s.addr()), s.opFlags(), s.len());
      case IORING_OP_CLOSE -> LibC.close(s.fd());
      case IORING_OP_STATX -> LibC.statx(s.fd(), ptr(s.addr()), s.opFlags(), s.len(), ptr(s.off()));
      case IORING_OP_RENAMEAT -> LibC.renameat2(s.fd(), ptr(s.addr()), s.len(), ptr(s.off()), s.opFlags());
      case IORING_OP_UNLINKAT -> LibC.unlinkat(s.fd(), ptr(s.addr()), s.opFlags());
      case IORING_OP_MKDIRAT -> LibC.mkdirat(s.fd(), ptr(s.addr()), s.len());
      case IORING_OP_SYMLINKAT -> LibC.symlinkat(ptr(s.addr()), s.fd(), ptr(s.off()));
      case IORING_OP_LINKAT -> LibC.linkat(s.fd(), ptr(s.addr()), s.len(), ptr(s.off()), s.opFlags());
      case IORING_OP_CONNECT -> LibC.connect(s.fd(), ptr(s.addr()), (int) s.off());
      case IORING_OP_SHUTDOWN -> LibC.shutdown(s.fd(), s.len());
      default -> -Errno.EOPNOTSUPP;
    };
  }
}
