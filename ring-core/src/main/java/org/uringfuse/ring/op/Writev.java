package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_WRITEV}: {@code pwritev(fd, iov, count, offset)}. */
public final class Writev extends SqeOp<Writev> {

  private final int fd;
  private final MemorySegment iovecs;
  private final int count;
  private final long offset;
  private int rwFlags;

  private Writev(int fd, MemorySegment iovecs, int count, long offset) {
    this.fd = fd;
    this.iovecs = iovecs;
    this.count = count;
    this.offset = offset;
  }

  /** {@code iovecs} holds {@code count} {@code struct iovec} (see {@code Iovec}). */
  public static Writev of(int fd, MemorySegment iovecs, int count, long offset) {
    return new Writev(fd, iovecs, count, offset);
  }

  public Writev rwFlags(int flags) {
    this.rwFlags = flags;
    return this;
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.addr(sqe, iovecs.address());
    Sqe.len(sqe, count);
    Sqe.off(sqe, offset);
    Sqe.opFlags(sqe, rwFlags);
  }

  @Override
  public int opcode() {
    return IORING_OP_WRITEV;
  }
}
