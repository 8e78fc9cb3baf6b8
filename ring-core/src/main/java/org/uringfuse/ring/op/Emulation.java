package org.uringfuse.ring.op;

import java.util.function.IntSupplier;

/**
 * What an operation is, for the backend without io_uring (the epoll event loop), which carries it out
 * the way QEMU does when io_uring is missing: blocking file calls on worker threads (aio=threads),
 * socket calls on readiness from epoll, timers in a heap. Each builder says which, so that backend
 * never decodes an SQE. Results follow the CQE contract: what {@code cqe.res} would be.
 */
public sealed interface Emulation {
  /** A call that may block: run on a worker thread. {@code fd} is the fd it works on (cancel by fd). */
  record Blocking(int fd, IntSupplier call) implements Emulation {}

  /**
   * Waits until {@code fd} is ready for {@code events}, then makes the non-blocking {@code call} on
   * the loop ({@code -EAGAIN}: wait again); without a call the ready events are the result. A
   * multishot operation goes on after each result.
   */
  record WhenReady(int fd, int events, boolean multishot, IntSupplier call) implements Emulation {}

  /**
   * Expires after {@code nanos} ({@code absolute}: at that {@code CLOCK_MONOTONIC} time) with
   * {@code -ETIME}; a multishot timer repeats {@code count} times (0: until cancelled).
   */
  record Timer(long nanos, boolean absolute, boolean multishot, long count) implements Emulation {}

  /**
   * Cancels operations of the same loop ({@code IORING_OP_ASYNC_CANCEL}): the one with
   * {@code userData}, or by {@code fd} or any, per the {@code IORING_ASYNC_CANCEL_*} {@code flags}.
   */
  record Cancel(long userData, int fd, int flags) implements Emulation {}

  /** Completes at once with {@code res}. */
  record Immediate(int res) implements Emulation {}

  /** Only io_uring can do it (URING_CMD): {@code -EOPNOTSUPP}. */
  record Unsupported() implements Emulation {}
}
