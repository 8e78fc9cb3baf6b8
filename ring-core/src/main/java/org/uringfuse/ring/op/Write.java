package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_WRITE}: {@code pwrite(fd, buf, len, offset)}; offset -1 uses the file position. */
public final class Write extends SqeOp<Write> {

  private final int fd;
  private final MemorySegment buffer;
  private final long offset;
  private int rwFlags;

  private Write(int fd, MemorySegment buffer, long offset) {
    this.fd = fd;
    this.buffer = buffer;
    this.offset = offset;
  }

  /** Writes all of {@code buffer} at {@code offset}. */
  public static Write of(int fd, MemorySegment buffer, long offset) {
    return new Write(fd, buffer, offset);
  }

  /** {@code RWF_*} flags (for example {@code RWF_DSYNC}, {@code RWF_APPEND}). */
  public Write rwFlags(int flags) {
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
        ? LibC.write(fd, buffer, length) : LibC.pwrite(fd, buffer, length, offset)));
  }

  @Override
  public int opcode() {
    return IORING_OP_WRITE;
  }
}
