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
 */
public record LoopOptions(
    RingOptions ring,
    PollOptions poll,
    Duration drainTimeout,
    Backend backend,
    int workerThreads) {

  /** Which implementation of {@link EventLoop} to use. */
  public enum Backend {
    /** io_uring when available, else epoll (logged once with the reason). */
    AUTO,
    IO_URING,
    EPOLL
  }

  public LoopOptions {
    if (poll == null || workerThreads < 1) {
      throw new IllegalArgumentException("bad loop options");
    }
  }

  public static LoopOptions defaults() {
    return new LoopOptions(RingOptions.defaults(), PollOptions.auto(PollOptions.DEFAULT_MAX_NANOS), Duration.ofSeconds(5),
        Backend.AUTO, 8);
  }

  public LoopOptions withRing(RingOptions r) {
    return new LoopOptions(r, poll, drainTimeout, backend, workerThreads);
  }

  public LoopOptions withPoll(PollOptions p) {
    return new LoopOptions(ring, p, drainTimeout, backend, workerThreads);
  }

  public LoopOptions withDrainTimeout(Duration d) {
    return new LoopOptions(ring, poll, d, backend, workerThreads);
  }

  public LoopOptions withBackend(Backend b) {
    return new LoopOptions(ring, poll, drainTimeout, b, workerThreads);
  }

  public LoopOptions withWorkerThreads(int n) {
    return new LoopOptions(ring, poll, drainTimeout, backend, n);
  }
}
