package org.uringfuse.ring.loop;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.op.AsyncCancel;
import org.uringfuse.ring.op.PollAdd;
import org.uringfuse.ring.op.PollRemove;
import org.uringfuse.ring.op.SqePrep;
import org.uringfuse.ring.op.Timeout;

/**
 * What both backends share: the owner-thread rule, the cross-thread task queue with its wake-up
 * handshake, bottom halves, and fd watches, timers and cancels expressed as SQEs (POLL_ADD,
 * TIMEOUT, ASYNC_CANCEL), so that each backend only implements {@link #submit} and the iteration.
 *
 * <p>Threads: {@link #tasks} and {@code wakeupNeeded} are touched by any thread; everything else
 * (the bounce buffers too) by the owner only. Wake-up handshake: before blocking the owner sets
 * {@code wakeupNeeded = 1} and re-checks {@link #tasks}; a producer enqueues and then swaps the
 * flag 1 -> 0, calling {@link #wake()} if it won. Both sides use volatile accesses, so either the
 * owner sees the task or the producer sees the flag.
 */
abstract sealed class AbstractEventLoop implements EventLoop permits UringEventLoop, EpollEventLoop {
  static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
  private static final VarHandle WAKEUP_NEEDED;

  static {
    try {
      WAKEUP_NEEDED = MethodHandles.lookup().findVarHandle(AbstractEventLoop.class, "wakeupNeeded", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final LoopOptions options;
  final Thread owner;
  final HandlerTable table = new HandlerTable(1024);
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<Runnable> bottomHalves = new ArrayDeque<>();
  @SuppressWarnings("unused") // accessed through WAKEUP_NEEDED
  private volatile int wakeupNeeded;

  private final AtomicInteger wakersInside = new AtomicInteger();
  private volatile boolean wakeupsClosed;
  volatile boolean shutdownRequested;
  boolean closing;
  volatile boolean closed;
  private boolean runningOnOwnThread;
  /** Set by the owner in {@link #run()} when its policy is {@link LoopOptions.Sched#IDLE_WHEN_BUSY}. */
  private volatile SchedIdleGuard.Registration sched;
  private final CountDownLatch terminated = new CountDownLatch(1);
  final BouncePool bounceBuffers;

  AbstractEventLoop(LoopOptions options) {
    this.options = options;
    this.owner = Thread.currentThread();
    this.bounceBuffers = new BouncePool(owner);
  }

  // ------------------------------------------------------------ backend hooks

  /** Puts one operation in flight (no closing check). Owner thread. */
  abstract long submit(SqePrep prep, CqeHandler handler);

  /** A {@code __kernel_timespec} holding {@code nanos}, valid until the SQE using it is submitted. */
  abstract MemorySegment timespec(long nanos);

  /** Wakes the owner from its blocking wait. Any thread. */
  abstract void wake();

  /** Cancels everything, drains (bounded) and frees the backend. Owner thread. */
  abstract void shutdown();

  // ------------------------------------------------------------ shared API

  @Override
  public final Thread ownerThread() {
    return owner;
  }

  @Override
  public final boolean inLoop() {
    return Thread.currentThread() == owner;
  }

  final void checkThread() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("called on " + Thread.currentThread().getName()
          + ", but this loop belongs to " + owner.getName());
    }
  }

  final void checkOpen() {
    if (closing) {
      throw new RejectedExecutionException("event loop is closing");
    }
  }

  @Override
  public final long addSqe(SqePrep prep, CqeHandler handler) {
    checkThread();
    checkOpen();
    return submit(prep, handler);
  }

  @Override
  public final void cancel(long opId, IntConsumer answer) {
    checkThread();
    submit(AsyncCancel.byUserData(opId), (res, flags) -> answer.accept(res));
  }

  @Override
  public final BounceBuffer bounceBuffer(long size) {
    checkThread();
    return bounceBuffers.take(size);
  }

  @Override
  public final long schedule(long delayNanos, Runnable task) {
    checkThread();
    checkOpen();
    return submit(Timeout.of(timespec(Math.max(0, delayNanos)), 0), (res, flags) -> {
      if (res == -Errno.ETIME || res == 0) {
        task.run();
      }
    });
  }

  @Override
  public final FdWatch watchFd(int fd, int events, IntConsumer onReady) {
    checkThread();
    checkOpen();
    PollingFdWatch w = new PollingFdWatch(fd, events, onReady);
    w.arm();
    return w;
  }

  /** One-shot POLL_ADD re-armed after every event: level-triggered, as QEMU's fdmon-io_uring does. */
  private final class PollingFdWatch implements FdWatch, CqeHandler {
    private final int fd;
    private final PollAdd poll;
    private final IntConsumer onReady;
    private boolean active = true;
    private long pending;    // user_data of the armed POLL_ADD, 0 when none

    PollingFdWatch(int fd, int events, IntConsumer onReady) {
      this.fd = fd;
      this.poll = PollAdd.of(fd, events);
      this.onReady = onReady;
    }

    void arm() {
      pending = submit(poll, this);
    }

    @Override
    public void complete(int res, int flags) {
      pending = 0;
      if (!active || res == -Errno.ECANCELED) {
        active = false;
        return;
      }
      if (res < 0) {
        active = false;
      }
      onReady.accept(res);
      if (active && !closing) {
        arm();
      }
    }

    @Override
    public int fd() {
      return fd;
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public void close() {
      checkThread();
      if (!active) {
        return;
      }
      active = false;
      if (pending != 0) {
        submit(PollRemove.of(pending), (res, flags) -> { });
      }
    }
  }

  @Override
  public final void bottomHalf(Runnable task) {
    checkThread();
    bottomHalves.add(task);
  }

  @Override
  public final void execute(Runnable task) {
    if (closed) {
      throw new RejectedExecutionException("event loop is closed");
    }
    tasks.add(task);
    if (Thread.currentThread() != owner && WAKEUP_NEEDED.compareAndSet(this, 1, 0)) {
      wakeGuarded();
    }
  }

  /**
   * Calls {@link #wake()} unless the wake-up fd is being closed. Same handshake as above: a waker
   * counts itself in, then checks the flag; {@link #closeWakeups()} sets the flag, then waits for the
   * count to reach zero, so no thread can write to the fd number after it was closed (and reused).
   */
  private void wakeGuarded() {
    wakersInside.incrementAndGet();
    try {
      if (!wakeupsClosed) {
        wake();
      }
    } finally {
      wakersInside.decrementAndGet();
    }
  }

  /** Owner thread, at shutdown, before closing the wake-up fd. */
  final void closeWakeups() {
    wakeupsClosed = true;
    while (wakersInside.get() != 0) {
      Thread.onSpinWait();
    }
  }

  @Override
  public final int inFlight() {
    return table.inFlight();
  }

  /** Size of the handler table (grows on demand, never shrinks). */
  public final int handlerCapacity() {
    return table.capacity();
  }

  final int runTasks() {
    int n = 0;
    Runnable r;
    while ((r = tasks.poll()) != null) {
      n++;
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "task failed", e);
      }
    }
    return n;
  }

  final int runBottomHalves() {
    int n = bottomHalves.size();
    for (int i = 0; i < n; i++) {
      Runnable r = bottomHalves.poll();
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "bottom half failed", e);
      }
    }
    return n;
  }

  final boolean hasQueuedWork() {
    return !tasks.isEmpty() || !bottomHalves.isEmpty();
  }

  /**
   * Arms the wake-up flag before blocking. Returns false (and disarms) when a task slipped in, in
   * which case the caller must not block.
   */
  final boolean prepareToBlock() {
    WAKEUP_NEEDED.setVolatile(this, 1);
    if (!tasks.isEmpty()) {
      WAKEUP_NEEDED.setVolatile(this, 0);
      return false;
    }
    return true;
  }

  final void doneBlocking() {
    WAKEUP_NEEDED.setVolatile(this, 0);
  }

  final void logNotDrained() {
    LOG.log(Level.WARNING, "close: {0} operation(s) still in flight after {1}; their memory stays"
        + " allocated: {2}", table.inFlight(), options.drainTimeout(), table.describeInFlight());
  }

  final void markTerminated() {
    bounceBuffers.close();
    closed = true;
    terminated.countDown();
  }

  /** True once the loop has shut down and freed its resources. */
  public final boolean isClosed() {
    return closed;
  }

  /** Runs iterations on the owner thread until {@link #close()} is requested, then shuts down. */
  public final void run() {
    checkThread();
    runningOnOwnThread = true;
    SchedIdleGuard.Registration guarded =
        options.sched() == LoopOptions.Sched.IDLE_WHEN_BUSY ? SchedIdleGuard.register() : null;
    sched = guarded;
    try {
      while (!shutdownRequested) {
        runOnce(true);
        if (guarded != null) {
          guarded.iterated();
        }
      }
    } finally {
      if (guarded != null) {
        guarded.close();
      }
      shutdown();
    }
  }

  @Override
  public final SchedStats schedStats() {
    SchedIdleGuard.Registration r = sched;
    return r == null ? SchedStats.NONE : r.stats();
  }

  @Override
  public final void close() {
    if (closed) {
      return;
    }
    shutdownRequested = true;
    if (inLoop()) {
      if (!runningOnOwnThread) {
        shutdown();
      }
      return;
    }
    execute(() -> { });
    try {
      long waitMs = options.drainTimeout().toMillis() + 5_000;
      if (!terminated.await(waitMs, TimeUnit.MILLISECONDS)) {
        LOG.log(Level.WARNING, "event loop {0} did not stop within {1} ms", owner.getName(), waitMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
