package org.uringfuse.jnr;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded set of threads that run a jnr-fuse filesystem's callbacks. Such filesystems were
 * written for libfuse's multithreaded loop and may block (on disk, network, locks), so they never run
 * on an event-loop thread; the queue in front of the threads is bounded in practice by the kernel,
 * which has at most (queues x depth + max_background) requests in flight.
 *
 * <p>Threads: {@link #submit} from event-loop threads; {@link #shutdown} from the thread ending the
 * mount. Workers are daemon threads named {@code uringfuse-jnr-worker-N}.
 */
final class WorkerPool {
  static final String THREAD_PREFIX = "uringfuse-jnr-worker-";
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  private final ThreadPoolExecutor pool;

  WorkerPool(int threads) {
    pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, THREAD_PREFIX + THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.prestartAllCoreThreads();
  }

  /** Queues {@code task}; false once the pool is shut down. */
  boolean submit(Runnable task) {
    try {
      pool.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /**
   * Lets queued callbacks finish, then stops the threads; after {@code bound} interrupts what still
   * runs and waits once more. Returns whether every worker ended.
   */
  boolean shutdown(Duration bound) throws InterruptedException {
    pool.shutdown();
    if (pool.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    pool.shutdownNow();
    return pool.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
  }
}
