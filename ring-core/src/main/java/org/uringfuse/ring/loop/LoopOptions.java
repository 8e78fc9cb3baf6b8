package org.uringfuse.ring.loop;

import java.time.Duration;
import org.uringfuse.ring.RingOptions;

/**
 * EventLoop settings.
 *
 * @param ring how to set up the io_uring (ignored by the epoll backend)
 * @param pollMaxNanos adaptive busy-poll ceiling before blocking (QEMU poll-max-ns); 0 disables polling
 * @param pollGrow factor the poll time grows by when an event came soon after blocking (QEMU poll-grow)
 * @param pollShrink divisor the poll time shrinks by when the wait was longer than the ceiling (QEMU poll-shrink)
 * @param drainTimeout how long {@code close()} waits for in-flight operations after cancelling them
 * @param backend which backend {@link EventLoops} should create
 * @param workerThreads threads for file I/O in the epoll backend (QEMU aio=threads)
 */
public record LoopOptions(
    RingOptions ring,
    long pollMaxNanos,
    int pollGrow,
    int pollShrink,
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
    if (pollMaxNanos < 0 || pollGrow < 1 || pollShrink < 1 || workerThreads < 1) {
      throw new IllegalArgumentException("bad loop options");
    }
  }

  public static LoopOptions defaults() {
    return new LoopOptions(RingOptions.defaults(), 32_000, 2, 2, Duration.ofSeconds(5), Backend.AUTO, 8);
  }

  public LoopOptions withRing(RingOptions r) {
    return new LoopOptions(r, pollMaxNanos, pollGrow, pollShrink, drainTimeout, backend, workerThreads);
  }

  public LoopOptions withPollMaxNanos(long n) {
    return new LoopOptions(ring, n, pollGrow, pollShrink, drainTimeout, backend, workerThreads);
  }

  public LoopOptions withDrainTimeout(Duration d) {
    return new LoopOptions(ring, pollMaxNanos, pollGrow, pollShrink, d, backend, workerThreads);
  }

  public LoopOptions withBackend(Backend b) {
    return new LoopOptions(ring, pollMaxNanos, pollGrow, pollShrink, drainTimeout, b, workerThreads);
  }

  public LoopOptions withWorkerThreads(int n) {
    return new LoopOptions(ring, pollMaxNanos, pollGrow, pollShrink, drainTimeout, backend, n);
  }
}
