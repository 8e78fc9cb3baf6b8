package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.KernelTimespec;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_TIMEOUT}: res -ETIME when the time passed, 0 when {@code count} other CQEs came first. */
public final class Timeout extends SqeOp<Timeout> {

  private final MemorySegment timespec;
  private final long count;
  private int timeoutFlags;

  private Timeout(MemorySegment timespec, long count) {
    this.timespec = timespec;
    this.count = count;
  }

  /**
   * {@code timespec} is a {@code __kernel_timespec} that must stay valid until the SQE is submitted;
   * {@code count} 0 makes a pure timer.
   */
  public static Timeout of(MemorySegment timespec, long count) {
    return new Timeout(timespec, count);
  }

  /** {@code IORING_TIMEOUT_ABS}: the timespec is an absolute CLOCK_MONOTONIC time. */
  public Timeout absolute() {
    timeoutFlags |= IORING_TIMEOUT_ABS;
    return this;
  }

  /** {@code IORING_TIMEOUT_MULTISHOT} (6.4+): fires {@code count} times, or forever with count 0. */
  public Timeout multishot() {
    timeoutFlags |= IORING_TIMEOUT_MULTISHOT;
    return this;
  }

  /** {@code IORING_TIMEOUT_ETIME_SUCCESS}: expiry does not break a link chain. */
  public Timeout etimeSuccess() {
    timeoutFlags |= IORING_TIMEOUT_ETIME_SUCCESS;
    return this;
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, -1);
    Sqe.addr(sqe, timespec.address());
    Sqe.len(sqe, 1);
    Sqe.off(sqe, count);
    Sqe.opFlags(sqe, timeoutFlags);
  }

  @Override
  public Emulation emulation() {
    return new Emulation.Timer(KernelTimespec.nanos(timespec), (timeoutFlags & IORING_TIMEOUT_ABS) != 0,
        (timeoutFlags & IORING_TIMEOUT_MULTISHOT) != 0, count);
  }

  @Override
  public int opcode() {
    return IORING_OP_TIMEOUT;
  }
}
