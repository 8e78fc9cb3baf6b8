package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_SHUTDOWN}: {@code shutdown(fd, how)} with {@code SHUT_RD} 0, {@code SHUT_WR} 1, {@code SHUT_RDWR} 2. */
public final class Shutdown extends SqeOp<Shutdown> {

  public static final int SHUT_RD = 0;
  public static final int SHUT_WR = 1;
  public static final int SHUT_RDWR = 2;

  private final int fd;
  private final int how;

  private Shutdown(int fd, int how) {
    this.fd = fd;
    this.how = how;
  }

  public static Shutdown of(int fd, int how) {
    return new Shutdown(fd, how);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.len(sqe, how);
  }

  @Override
  public int opcode() {
    return IORING_OP_SHUTDOWN;
  }
}
