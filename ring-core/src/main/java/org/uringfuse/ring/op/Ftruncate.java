package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_FTRUNCATE} (6.9+): {@code ftruncate(fd, length)}. */
public final class Ftruncate extends SqeOp<Ftruncate> {

  private final int fd;
  private final long length;

  private Ftruncate(int fd, long length) {
    this.fd = fd;
    this.length = length;
  }

  public static Ftruncate of(int fd, long length) {
    return new Ftruncate(fd, length);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.off(sqe, length);
  }

  @Override
  public int opcode() {
    return IORING_OP_FTRUNCATE;
  }
}
