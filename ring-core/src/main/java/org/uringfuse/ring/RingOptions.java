package org.uringfuse.ring;

import static org.uringfuse.ring.abi.IoUringConstants.IORING_SETUP_COOP_TASKRUN;
import static org.uringfuse.ring.abi.IoUringConstants.IORING_SETUP_CQE32;
import static org.uringfuse.ring.abi.IoUringConstants.IORING_SETUP_DEFER_TASKRUN;
import static org.uringfuse.ring.abi.IoUringConstants.IORING_SETUP_SINGLE_ISSUER;
import static org.uringfuse.ring.abi.IoUringConstants.IORING_SETUP_SQE128;
import static org.uringfuse.ring.abi.IoUringConstants.IORING_SETUP_SUBMIT_ALL;
import static org.uringfuse.ring.abi.IoUringConstants.IORING_SETUP_TASKRUN_FLAG;

/**
 * How to set up a {@link Ring}: SQ entries, CQ entries (0 = kernel default, twice the SQ) and
 * {@code IORING_SETUP_*} flags. Flags the kernel rejects with {@code EINVAL} are dropped one by one
 * at setup (see {@link Ring#create}); {@code SQE128} and {@code CQE32} are never dropped because
 * callers depend on the entry size.
 *
 * <p>Defaults: 256 entries, {@code SUBMIT_ALL | SINGLE_ISSUER | DEFER_TASKRUN | TASKRUN_FLAG}
 * (the ring must then be created and used by one thread, which is how {@code EventLoop} works).
 */
public record RingOptions(int entries, int cqEntries, int flags) {

  public static final int DEFAULT_FLAGS = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER
      | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG;

  public RingOptions {
    if (entries < 1 || entries > 32768) {
      throw new IllegalArgumentException("entries must be 1..32768: " + entries);
    }
    if (cqEntries < 0) {
      throw new IllegalArgumentException("cqEntries must be >= 0: " + cqEntries);
    }
  }

  public static RingOptions defaults() {
    return new RingOptions(256, 0, DEFAULT_FLAGS);
  }

  public RingOptions withEntries(int n) {
    return new RingOptions(n, cqEntries, flags);
  }

  /** CQ size; needs to cover every operation that can be outstanding at once (FUSE entries included). */
  public RingOptions withCqEntries(int n) {
    return new RingOptions(entries, n, flags);
  }

  public RingOptions withFlags(int newFlags) {
    return new RingOptions(entries, cqEntries, newFlags);
  }

  public RingOptions sqe128() {
    return withFlags(flags | IORING_SETUP_SQE128);
  }

  public RingOptions cqe32() {
    return withFlags(flags | IORING_SETUP_CQE32);
  }

  public RingOptions submitAll(boolean on) {
    return toggle(IORING_SETUP_SUBMIT_ALL, on);
  }

  public RingOptions singleIssuer(boolean on) {
    return toggle(IORING_SETUP_SINGLE_ISSUER, on);
  }

  /** DEFER_TASKRUN (implies SINGLE_ISSUER and TASKRUN_FLAG); turning it off also turns off SINGLE_ISSUER's partner flags. */
  public RingOptions deferTaskrun(boolean on) {
    int f = on
        ? (flags | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_TASKRUN_FLAG) & ~IORING_SETUP_COOP_TASKRUN
        : flags & ~IORING_SETUP_DEFER_TASKRUN;
    return withFlags(f);
  }

  /** COOP_TASKRUN with TASKRUN_FLAG (no IPI on completion; work runs at the next kernel entry). */
  public RingOptions coopTaskrun(boolean on) {
    int f = on
        ? (flags | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG) & ~IORING_SETUP_DEFER_TASKRUN
        : flags & ~IORING_SETUP_COOP_TASKRUN;
    return withFlags(f);
  }

  /** No task-run mode: completions are signalled to the task as they arrive (the kernel default). */
  public RingOptions plainTaskrun() {
    return withFlags(flags & ~(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG));
  }

  private RingOptions toggle(int flag, boolean on) {
    return withFlags(on ? flags | flag : flags & ~flag);
  }
}
