package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_READ}: {@code pread(fd, buf, len, offset)}; offset -1 uses the file position. */
public final class Read extends SqeOp<Read> {

  private final int fd;
  private final MemorySegment buffer;
  private final long offset;
  private int rwFlags;

  private Read(int fd, MemorySegment buffer, long offset) {
    this.fd = fd;
    this.buffer = buffer;
    this.offset = offset;
  }

  /** Reads {@code buffer.byteSize()} bytes at {@code offset} into {@code buffer}. */
  public static Read of(int fd, MemorySegment buffer, long offset) {
    return new Read(fd, buffer, offset);
  }

  /** {@code RWF_*} flags (for example {@code RWF_NOWAIT}). */
  public Read rwFlags(int flags) {
    this.rwFlags = flags;
    return this;
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.addr(sqe, buffer.address());
    Sqe.len(sqe, Math.toIntExact(buffer.byteSize()));
    Sqe.off(sqe, offset);
    Sqe.opFlags(sqe, rwFlags);
  }

  @Override
  public Emulation emulation() {
    long length = buffer.byteSize();
    return new Emulation.Blocking(fd, () -> (int) (offset == -1
        ? LibC.read(fd, buffer, length) : LibC.pread(fd, buffer, length, offset)));
  }

  @Override
  public int opcode() {
    return IORING_OP_READ;
  }
}
