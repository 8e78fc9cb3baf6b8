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
      case IORING_OP_READ, IORING_OP_WRITE, IORING_OP_FSYNC, IORING_OP_FALLOCATE, IORING_OP_OPENAT,
           IORING_OP_CLOSE, IORING_OP_STATX -> true;
      default -> false;
    };
  }

  /** Executes the op; returns what the CQE's res would be. */
  static int run(SqeSnapshot s) {
    return switch (s.opcode()) {
      case IORING_OP_READ -> (int) (s.off() == -1
          ? LibC.read(s.fd(), ptr(s.addr()), Integer.toUnsignedLong(s.len()))
          : LibC.pread(s.fd(), ptr(s.addr()), Integer.toUnsignedLong(s.len()), s.off()));
      case IORING_OP_WRITE -> (int) (s.off() == -1
          ? LibC.write(s.fd(), ptr(s.addr()), Integer.toUnsignedLong(s.len()))
          : LibC.pwrite(s.fd(), ptr(s.addr()), Integer.toUnsignedLong(s.len()), s.off()));
      case IORING_OP_FSYNC -> (s.opFlags() & IORING_FSYNC_DATASYNC) != 0
          ? LibC.fdatasync(s.fd()) : LibC.fsync(s.fd());
      case IORING_OP_FALLOCATE -> LibC.fallocate(s.fd(), s.len(), s.off(), s.addr());
      case IORING_OP_OPENAT -> LibC.openat(s.fd(), ptr(s.addr()), s.opFlags(), s.len());
      case IORING_OP_CLOSE -> LibC.close(s.fd());
      case IORING_OP_STATX -> LibC.statx(s.fd(), ptr(s.addr()), s.opFlags(), s.len(), ptr(s.off()));
      default -> -Errno.EOPNOTSUPP;
    };
  }
}
