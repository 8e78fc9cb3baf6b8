package org.uringfuse.ring.loop;

import java.time.Duration;
import org.uringfuse.ring.RingOptions;

/**
 * EventLoop settings.
 *
 * @param ring how to set up the io_uring (ignored by the epoll backend)
 * @param poll busy polling before blocking (off, QEMU-style adaptive, or fixed; io_uring backend only)
 * @param drainTimeout how long {@code close()} waits for in-flight operations after cancelling them
 * @param backend which backend {@link EventLoops} should create
 * @param workerThreads threads for file I/O in the epoll backend (QEMU aio=threads)
 * @param sched the scheduling policy of a loop's thread (see {@link SchedIdleGuard})
 */
public record LoopOptions(
    RingOptions ring,
    PollOptions poll,
    Duration drainTimeout,
    Backend backend,
    int workerThreads,
    Sched sched) {

  /** Which implementation of {@link EventLoop} to use. */
  public enum Backend {
    /** io_uring when available, else epoll (logged once with the reason). */
    AUTO,
    IO_URING,
    EPOLL
  }

  /** The scheduling policy of a loop started by {@link EventLoops#start}. */
  public enum Sched {
    /** SCHED_OTHER, always. */
    NORMAL,
    /**
     * SCHED_IDLE while the loop is busy and gets its CPU at once, SCHED_OTHER otherwise (where the
     * process may not leave SCHED_IDLE, SCHED_OTHER always): {@link SchedIdleGuard}.
     */
    IDLE_WHEN_BUSY;

    /** Parses the mount option's value: {@code auto} (idle when busy) or {@code normal}. */
    public static Sched parse(String value) {
      return switch (value.trim()) {
        case "auto" -> IDLE_WHEN_BUSY;
        case "normal" -> NORMAL;
        default -> throw new IllegalArgumentException("sched must be auto or normal, got '" + value + "'");
      };
    }

    @Override
    public String toString() {
      return this == NORMAL ? "normal" : "auto";
    }
  }

  public LoopOptions {
    if (poll == null || workerThreads < 1 || sched == null) {
      throw new IllegalArgumentException("bad loop options");
    }
  }

  public static LoopOptions defaults() {
    return new LoopOptions(RingOptions.defaults(), PollOptions.auto(PollOptions.DEFAULT_MAX_NANOS), Duration.ofSeconds(5),
        Backend.AUTO, 8, Sched.NORMAL);
  }

  public LoopOptions withRing(RingOptions r) {
    return new LoopOptions(r, poll, drainTimeout, backend, workerThreads, sched);
  }

  public LoopOptions withPoll(PollOptions p) {
    return new LoopOptions(ring, p, drainTimeout, backend, workerThreads, sched);
  }

  public LoopOptions withDrainTimeout(Duration d) {
    return new LoopOptions(ring, poll, d, backend, workerThreads, sched);
  }

  public LoopOptions withBackend(Backend b) {
    return new LoopOptions(ring, poll, drainTimeout, b, workerThreads, sched);
  }

  public LoopOptions withSched(Sched s) {
    return new LoopOptions(ring, poll, drainTimeout, backend, workerThreads, s);
  }

  public LoopOptions withWorkerThreads(int n) {
    return new LoopOptions(ring, poll, drainTimeout, backend, n, sched);
  }
}
