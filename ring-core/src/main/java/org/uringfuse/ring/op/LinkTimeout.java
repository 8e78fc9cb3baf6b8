package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_LINK_TIMEOUT}: bounds the SQE linked before it; that op gets -ECANCELED if the time passes. */
public final class LinkTimeout extends SqeOp<LinkTimeout> {

  private final MemorySegment timespec;
  private int timeoutFlags;

  private LinkTimeout(MemorySegment timespec) {
    this.timespec = timespec;
  }

  /** Must directly follow an SQE built with {@code link()}; the timespec lives until submission. */
  public static LinkTimeout of(MemorySegment timespec) {
    return new LinkTimeout(timespec);
  }

  public LinkTimeout absolute() {
    timeoutFlags |= IORING_TIMEOUT_ABS;
    return this;
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, -1);
    Sqe.addr(sqe, timespec.address());
    Sqe.len(sqe, 1);
    Sqe.opFlags(sqe, timeoutFlags);
  }

  @Override
  public int opcode() {
    return IORING_OP_LINK_TIMEOUT;
  }
}
