package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_TIMEOUT_REMOVE}: cancels the timeout whose {@code user_data} is given; res 0, -ENOENT or -EBUSY. */
public final class TimeoutRemove extends SqeOp<TimeoutRemove> {

  private final long targetUserData;

  private TimeoutRemove(long targetUserData) {
    this.targetUserData = targetUserData;
  }

  public static TimeoutRemove of(long targetUserData) {
    return new TimeoutRemove(targetUserData);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, -1);
    Sqe.addr(sqe, targetUserData);
  }

  @Override
  public int opcode() {
    return IORING_OP_TIMEOUT_REMOVE;
  }
}
