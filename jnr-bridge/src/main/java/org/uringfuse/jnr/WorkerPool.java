package org.uringfuse.jnr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded set of threads that run a jnr-fuse filesystem's callbacks. Such filesystems were
 * written for libfuse's multithreaded loop and may block (on disk, network, locks), so they never run
 * on an event-loop thread; the queue in front of the threads is bounded in practice by the kernel,
 * which has at most (queues x depth + max_background) requests in flight.
 *
 * <p>Hand-off: a worker that runs out of work spins on the queue for a short while ({@code spin})
 * before it sleeps, and a submitter wakes a sleeper only when nobody is spinning. At queue depth 1 a
 * request then reaches a spinning worker without a futex wake-up and a cross-CPU interrupt (tens of
 * microseconds in a VM), the cost that would otherwise put the bridge behind libfuse's
 * read-and-call-inline loop; an idle mount burns at most one spin per worker after its last request.
 *
 * <p>Threads: {@link #submit} from event-loop threads; {@link #shutdown} from the thread ending the
 * mount. Workers are daemon threads named {@code uringfuse-jnr-worker-N}.
 */
final class WorkerPool {
  static final String THREAD_PREFIX = "uringfuse-jnr-worker-";
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Wake-up permits for sleeping workers; a spare permit only costs one empty spin. */
  private final Semaphore wakeups = new Semaphore(0);
  private final AtomicInteger spinning = new AtomicInteger();
  private final long spinNanos;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  WorkerPool(int size, Duration spin) {
    this.spinNanos = spin.toNanos();
    for (int i = 0; i < size; i++) {
      Thread t = new Thread(this::work, THREAD_PREFIX + THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Queues {@code task}; false once the pool is shut down. */
  boolean submit(Runnable task) {
    if (!running) {
      return false;
    }
    tasks.offer(task);
    // The offer comes before this read: a spinner that stops after it still polls once more.
    if (spinning.get() == 0) {
      wakeups.release();
    }
    return true;
  }

  private void work() {
    while (true) {
      Runnable task = tasks.poll();
      if (task == null) {
        task = spinForTask();
      }
      if (task != null) {
        if (!tasks.isEmpty()) {
          wakeups.release();   // a burst: pass the rest on rather than queue it behind this task
        }
        runGuarded(task);
        continue;
      }
      if (!running) {
        return;
      }
      try {
        wakeups.acquire();
      } catch (InterruptedException e) {
        if (!running) {
          return;
        }
      }
    }
  }

  /** A task must not end its worker: callers answer errors themselves; this is the last guard. */
  private static void runGuarded(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      System.getLogger(WorkerPool.class.getName()).log(System.Logger.Level.ERROR, "worker task failed", t);
    }
  }

  private Runnable spinForTask() {
    spinning.incrementAndGet();
    Runnable task;
    long deadline = System.nanoTime() + spinNanos;
    try {
      while ((task = tasks.poll()) == null && running && System.nanoTime() < deadline) {
        Thread.yield();   // not a busy PAUSE loop: the caller and the event loop may need this CPU
      }
    } finally {
      spinning.decrementAndGet();
    }
    return task != null ? task : tasks.poll();
  }

  /**
   * Stops taking work, lets queued callbacks finish, and waits up to {@code bound} for the workers
   * to end; then interrupts what still runs and waits once more. Returns whether every worker ended.
   */
  boolean shutdown(Duration bound) throws InterruptedException {
    running = false;
    wakeups.release(threads.size());
    if (joinAll(bound)) {
      return true;
    }
    threads.forEach(Thread::interrupt);
    return joinAll(bound);
  }

  private boolean joinAll(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Duration.ofNanos(left));
      }
    }
    return threads.stream().noneMatch(Thread::isAlive);
  }
}
