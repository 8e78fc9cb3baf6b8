package org.uringfuse.jnr;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded set of threads that run a jnr-fuse filesystem's callbacks. Such filesystems were
 * written for libfuse's multithreaded loop and may block (on disk, network, locks), so they never run
 * on an event-loop thread; the queue in front of the threads is bounded in practice by the kernel,
 * which has at most (queues x depth + max_background) requests in flight.
 *
 * <p>Size: {@code core} threads live as long as the pool. When a request comes and every thread is
 * busy, another is started, up to {@code max} (libfuse 2 starts one whenever none is free, without a
 * limit): callbacks that block then hold up only themselves. Threads above {@code core} end after
 * {@link #EXTRA_IDLE} without work.
 *
 * <p>Hand-off: a worker that runs out of work spins (yielding) on the queue for a short while
 * ({@code spin}) before it sleeps, and a submitter wakes a sleeper only when nobody is spinning; a
 * worker that takes a task while more wait wakes the next (bursts). At queue depth 1 a request then
 * reaches a spinning worker without a futex wake-up and a cross-CPU interrupt (tens of microseconds
 * in a VM), the cost that would otherwise put the bridge behind libfuse's read-and-call-inline loop;
 * an idle mount burns at most one spin per worker after its last request.
 *
 * <p>Threads: {@link #submit} from event-loop threads; {@link #shutdown} from the thread ending the
 * mount. Workers are daemon threads named {@code uringfuse-jnr-worker-N}.
 */
final class WorkerPool {
  static final String THREAD_PREFIX = "uringfuse-jnr-worker-";
  static final Duration EXTRA_IDLE = Duration.ofSeconds(10);
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Wake-up permits for sleeping workers; a spare permit only costs one empty spin. */
  private final Semaphore wakeups = new Semaphore(0);
  private final AtomicInteger spinning = new AtomicInteger();
  /** Workers inside a task. */
  private final AtomicInteger busy = new AtomicInteger();
  /** Live workers (started, not yet ended). */
  private final AtomicInteger live = new AtomicInteger();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final int core;
  private final int max;
  private final long spinNanos;
  private volatile boolean running = true;

  WorkerPool(int core, int max, Duration spin) {
    if (core < 1 || max < core) {
      throw new IllegalArgumentException("need 1 <= core (" + core + ") <= max (" + max + ")");
    }
    this.core = core;
    this.max = max;
    this.spinNanos = spin.toNanos();
    for (int i = 0; i < core; i++) {
      startWorker();
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
      wakeAnother();
    }
    return true;
  }

  /** Wakes a sleeping worker for a queued task, starting one first when every worker is busy. */
  private void wakeAnother() {
    if (busy.get() >= live.get()) {
      growIfAllowed();
    }
    wakeups.release();
  }

  private void growIfAllowed() {
    int n;
    do {
      n = live.get();
      if (n >= max) {
        return;
      }
    } while (!live.compareAndSet(n, n + 1));
    launch();
  }

  private void startWorker() {
    live.incrementAndGet();
    launch();
  }

  private void launch() {
    Thread t = Thread.ofPlatform().daemon().name(THREAD_PREFIX + THREAD_IDS.incrementAndGet()).unstarted(this::work);
    threads.add(t);
    t.start();
  }

  private void work() {
    try {
      while (true) {
        Runnable task = tasks.poll();
        if (task == null) {
          task = spinForTask();
        }
        if (task != null) {
          busy.incrementAndGet();
          if (!tasks.isEmpty()) {
            // A burst: pass the rest on rather than queue it behind this task, which may block.
            // (Counted busy first: either this sees a task offered meanwhile, or its submitter sees us busy.)
            wakeAnother();
          }
          try {
            runGuarded(task);
          } finally {
            busy.decrementAndGet();
          }
          continue;
        }
        if (!running || !sleep()) {
          return;
        }
      }
    } finally {
      threads.remove(Thread.currentThread());
    }
  }

  /** Waits for a wake-up; false when this worker should end (shutdown, or an extra thread long idle). */
  private boolean sleep() {
    try {
      if (wakeups.tryAcquire(EXTRA_IDLE.toNanos(), TimeUnit.NANOSECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      if (!running) {
        live.decrementAndGet();
        return false;
      }
      return true;
    }
    int n = live.get();
    if (n > core && live.compareAndSet(n, n - 1)) {
      return false;   // an extra thread with nothing to do
    }
    return true;
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
    wakeups.release(max);
    if (joinAll(bound)) {
      return true;
    }
    threads.forEach(Thread::interrupt);
    return joinAll(bound);
  }

  private boolean joinAll(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    for (Thread t : threads.toArray(Thread[]::new)) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Duration.ofNanos(left));
      }
    }
    return threads.isEmpty() || threads.stream().noneMatch(Thread::isAlive);
  }
}
