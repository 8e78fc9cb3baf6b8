package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_CLOSE}: {@code close(fd)}. */
public final class Close extends SqeOp<Close> {

  private final int fd;

  private Close(int fd) {
    this.fd = fd;
  }

  public static Close of(int fd) {
    return new Close(fd);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
  }

  @Override
  public Emulation emulation() {
    return new Emulation.Blocking(fd, () -> LibC.close(fd));
  }

  @Override
  public int opcode() {
    return IORING_OP_CLOSE;
  }
}
