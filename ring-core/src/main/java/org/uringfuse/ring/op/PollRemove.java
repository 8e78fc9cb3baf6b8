package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_POLL_REMOVE}: removes the poll whose {@code user_data} is given; res 0, -ENOENT or -EALREADY. */
public final class PollRemove extends SqeOp<PollRemove> {

  private final long targetUserData;

  private PollRemove(long targetUserData) {
    this.targetUserData = targetUserData;
  }

  public static PollRemove of(long targetUserData) {
    return new PollRemove(targetUserData);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, -1);
    Sqe.addr(sqe, targetUserData);
  }

  @Override
  public Emulation emulation() {
    return new Emulation.Cancel(targetUserData, -1, 0);
  }

  @Override
  public int opcode() {
    return IORING_OP_POLL_REMOVE;
  }
}
