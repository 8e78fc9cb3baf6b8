package org.uringfuse.ring.loop;

import static org.uringfuse.ring.abi.IoUringConstants.IORING_CQE_F_MORE;
import static org.uringfuse.ring.abi.IoUringConstants.IORING_ENTER_GETEVENTS;
import static org.uringfuse.ring.abi.IoUringConstants.IOSQE_IO_HARDLINK;
import static org.uringfuse.ring.abi.IoUringConstants.IOSQE_IO_LINK;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.Ring;
import org.uringfuse.ring.abi.KernelTimespec;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.op.AsyncCancel;
import org.uringfuse.ring.op.Read;
import org.uringfuse.ring.op.SqeOp;
import org.uringfuse.ring.op.SqePrep;
import org.uringfuse.ring.sys.LibC;

/**
 * The io_uring {@link EventLoop}: one ring, one owner thread, one {@code io_uring_enter} per
 * iteration for everything (fd polls, timers, wake-ups, file and socket I/O, FUSE commands).
 *
 * <p>Threads: the owner thread (the one that constructed the loop, as SINGLE_ISSUER requires) is the
 * only one touching the ring, the handler table, the ready queue and the timespec pool. Other threads
 * enqueue tasks and write the wake-up eventfd, which the ring itself reads with an
 * {@code IORING_OP_READ} that is re-armed after every completion.
 *
 * <p>Completions are reaped into the ready queue first and dispatched afterwards: handlers may
 * submit, and a full SQ may force a reap in the middle of a dispatch.
 */
public final class UringEventLoop extends AbstractEventLoop {
  private static final int TIMESPEC_POOL = 64;
  /**
   * An idle loop waits without a timeout: everything that can end the wait (tasks, timers, close)
   * arrives as a CQE, and an armed timeout would cost two timer reprogrammings per wait (VM exits in
   * a guest).
   */
  private static final long NO_TIMEOUT = -1;

  private final Ring ring;
  private final Arena arena = Arena.ofShared();

  // Ready queue of reaped CQEs, dispatched in order.
  private long[] readyUserData = new long[1024];
  private int[] readyRes = new int[1024];
  private int[] readyFlags = new int[1024];
  private int readyHead;
  private int readyTail;

  // Timespecs only need to live until their SQE is submitted; the pool is recycled at each enter.
  private final MemorySegment timespecs;
  private int timespecsUsed;

  private final int wakeFd;
  private final MemorySegment wakeBuffer;  // the ring reads the eventfd counter into it
  private final MemorySegment wakeValue;   // constant 1, written by any thread
  private final Read wakeRead;
  private final CqeHandler wakeHandler = this::onWakeRead;

  private final AdaptivePoller poller;
  private final MemorySegment rusage;      // getrusage scratch for the poller's contention check

  /** Creates the ring on the calling thread, which becomes the owner. */
  public UringEventLoop(LoopOptions options) {
    super(options);
    this.ring = Ring.create(options.ring());
    this.poller = new AdaptivePoller(options.poll());
    try {
      this.timespecs = arena.allocate(KernelTimespec.BYTES * TIMESPEC_POOL, 8);
      this.wakeBuffer = arena.allocate(8, 8);
      this.rusage = arena.allocate(LibC.RUSAGE_BYTES, 8);
      this.wakeValue = Arena.ofAuto().allocate(8, 8);   // never closed: other threads write from it
      wakeValue.set(ValueLayout.JAVA_LONG, 0, 1L);
      // A blocking eventfd: with O_NONBLOCK io_uring would answer the READ with -EAGAIN at once.
      int efd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
      if (efd < 0) {
        throw new IllegalStateException("eventfd: " + Errno.describe(efd));
      }
      this.wakeFd = efd;
      this.wakeRead = Read.of(wakeFd, wakeBuffer, -1);
    } catch (RuntimeException e) {
      ring.close();
      arena.close();
      throw e;
    }
    armWakeRead();
  }

  /** The ring, for probes and registrations; owner thread only. */
  public Ring ring() {
    checkThread();
    return ring;
  }

  @Override
  public LoopOptions.Backend backend() {
    return LoopOptions.Backend.IO_URING;
  }

  // ---------------------------------------------------------------- submission

  @Override
  long submit(SqePrep prep, CqeHandler handler) {
    if (prep instanceof SqeOp<?> op && (op.sqeFlags() & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK)) != 0) {
      // A link head never takes the last free SQE: a two-op chain reaches the kernel in one
      // submission (the kernel ends a chain at the end of a submission). An enter may take only
      // part of the SQ, so check again after each.
      while (ring.sqEntries() - ring.pendingSubmissions() < 2) {
        submitPending();
      }
    }
    MemorySegment sqe = ring.nextSqe();
    while (sqe == null) {
      submitPending();
      sqe = ring.nextSqe();
    }
    try {
      prep.prep(sqe);
    } catch (RuntimeException | Error e) {
      // The slot is taken: turn it into a NOP nobody waits for (user_data 0 is ignored).
      sqe.fill((byte) 0);
      throw e;
    }
    long userData = table.add(handler);
    Sqe.userData(sqe, userData);
    return userData;
  }

  @Override
  public int registerFiles(int... fds) {
    checkThread();
    return ring.registerFiles(fds);
  }

  /** Submits what is pending without waiting; handles EINTR, EBUSY and EAGAIN. */
  private void submitPending() {
    while (true) {
      int r = ring.enter(0, IORING_ENTER_GETEVENTS);
      timespecsUsed = 0;
      if (r >= 0) {
        return;
      }
      if (r == -Errno.EINTR) {
        continue;
      }
      if (r == -Errno.EBUSY || r == -Errno.EAGAIN) {
        // The CQ is backed up: move completions to the ready queue, then retry.
        if (reap() == 0) {
          Thread.onSpinWait();
        }
        continue;
      }
      throw new IllegalStateException("io_uring_enter: " + Errno.describe(r));
    }
  }

  @Override
  MemorySegment timespec(long nanos) {
    if (timespecsUsed == TIMESPEC_POOL) {
      submitPending();   // the kernel has copied every timespec handed out so far
    }
    MemorySegment ts = timespecs.asSlice(KernelTimespec.BYTES * timespecsUsed++, KernelTimespec.BYTES);
    KernelTimespec.set(ts, nanos);
    return ts;
  }

  // ---------------------------------------------------------------- completion

  /** Copies every available CQE into the ready queue. */
  private int reap() {
    int total = 0;
    while (true) {
      if (readyTail == readyUserData.length) {
        growReadyQueue();
      }
      int n = ring.reap(readyUserData, readyRes, readyFlags, readyTail, readyUserData.length - readyTail);
      readyTail += n;
      total += n;
      if (n == 0 || readyTail < readyUserData.length) {
        return total;
      }
    }
  }

  private void growReadyQueue() {
    if (readyHead > 0) {
      int n = readyTail - readyHead;
      System.arraycopy(readyUserData, readyHead, readyUserData, 0, n);
      System.arraycopy(readyRes, readyHead, readyRes, 0, n);
      System.arraycopy(readyFlags, readyHead, readyFlags, 0, n);
      readyHead = 0;
      readyTail = n;
      if (readyTail < readyUserData.length) {
        return;
      }
    }
    int size = readyUserData.length * 2;
    readyUserData = Arrays.copyOf(readyUserData, size);
    readyRes = Arrays.copyOf(readyRes, size);
    readyFlags = Arrays.copyOf(readyFlags, size);
  }

  private int dispatchReady() {
    int count = 0;
    while (readyHead < readyTail) {
      int i = readyHead++;
      dispatch(readyUserData[i], readyRes[i], readyFlags[i]);
      count++;
    }
    readyHead = 0;
    readyTail = 0;
    return count;
  }

  private void dispatch(long userData, int res, int flags) {
    if (userData == 0) {
      return;
    }
    CqeHandler handler = table.get(userData);
    if (handler == null) {
      LOG.log(Level.WARNING, "CQE for unknown operation 0x{0} (res {1})", Long.toHexString(userData), res);
      return;
    }
    if ((flags & IORING_CQE_F_MORE) == 0) {
      table.remove(userData);   // before the call, so the handler can resubmit at once
    }
    try {
      handler.complete(res, flags);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "completion handler failed", e);
    }
  }

  // ---------------------------------------------------------------- cross-thread wake-up

  @Override
  void wake() {
    LibC.write(wakeFd, wakeValue, 8);
  }

  private void armWakeRead() {
    submit(wakeRead, wakeHandler);
  }

  private void onWakeRead(int res, int flags) {
    if (!closing && res != -Errno.ECANCELED) {
      armWakeRead();
    }
  }

  // ---------------------------------------------------------------- the iteration

  @Override
  public boolean hasPendingEvents() {
    checkThread();
    return hasWork();
  }

  /**
   * Completions reaped or waiting in the CQ, or tasks and bottom halves queued. A submit that found
   * the CQ backed up reaps into the ready queue, so no check before a poll or a wait may leave it out.
   */
  private boolean hasWork() {
    return readyHead != readyTail || ring.hasCompletions() || hasQueuedWork();
  }

  @Override
  public PollStats pollStats() {
    return poller.stats();
  }

  @Override
  public boolean runOnce(boolean mayBlock) {
    checkThread();
    int work = runTasks() + runBottomHalves();
    reap();
    work += dispatchReady();
    if (work == 0 && mayBlock) {
      waitForEvents(NO_TIMEOUT);
    } else if (ring.pendingSubmissions() > 0 || ring.needsEnter()) {
      submitPending();
    }
    reap();
    work += dispatchReady();
    return work > 0;
  }

  /**
   * Nothing to do: busy-poll for the poller's window (yielding, and stepping aside when another
   * thread wants this CPU), then submit what is pending and block in the same
   * {@code io_uring_enter} until a CQE arrives (bounded by {@code maxWaitNanos}, unless {@link #NO_TIMEOUT}).
   * A poll first submits what is pending on its own: a reply's COMMIT or a re-armed POLL_ADD must
   * be in the kernel for the poll to find what follows it (the classic transport's loops never
   * polled while every wait came after a re-armed POLL_ADD: depth-8 mixed I/O on tmpfs went from
   * 0.86x to 1.01x libfuse's classic server with polling reaching them).
   */
  private void waitForEvents(long maxWaitNanos) {
    if (hasWork()) {
      return;
    }
    long start = System.nanoTime();
    long window = poller.window(start);
    if (window > 0) {
      if (ring.pendingSubmissions() > 0 || ring.needsEnter()) {
        // an enter of its own, paid only while the poller's window is open
        submitPending();
        if (hasWork()) {
          return;
        }
      }
      if (poll(start, window)) {
        return;
      }
    }
    if (!prepareToBlock()) {
      return;
    }
    int r;
    do {
      // Submits what is pending too: an operation that completes inline (a read from the page
      // cache) satisfies the wait at once, and a reply's COMMIT costs no enter of its own.
      r = maxWaitNanos == NO_TIMEOUT ? ring.enter(1, IORING_ENTER_GETEVENTS) : ring.enterWithTimeout(1, maxWaitNanos);
      timespecsUsed = 0;
    } while (r == -Errno.EINTR);
    doneBlocking();
    if (r < 0 && r != -Errno.ETIME && r != -Errno.EBUSY && r != -Errno.EAGAIN) {
      throw new IllegalStateException("io_uring_enter (wait): " + Errno.describe(r));
    }
    poller.blocked(System.nanoTime() - start);
  }

  /**
   * Polls for {@code window} (the poller's, open); true when work showed up (the caller then must
   * not block).
   * Contention check: a yield that came back late may mean another thread ran on this CPU, or just
   * a timer tick or the hypervisor; only a rise of this thread's involuntary context switches
   * (getrusage, read at the start of the window and after each late yield) says another thread ran.
   */
  private boolean poll(long start, long window) {
    long switchesBefore = LibC.involuntarySwitches(rusage);
    long deadline = start + window;
    long now = start;
    do {
      if (hasWork()) {
        poller.hit(now, now - start);
        return true;
      }
      if (ring.needsEnter()) {
        // Task work (DEFER_TASKRUN/COOP_TASKRUN): only an enter with GETEVENTS runs it.
        submitPending();
        poller.hit(now, now - start);
        return true;
      }
      Thread.yield();
      long after = System.nanoTime();
      if (after - now > AdaptivePoller.YIELD_TAKEN_NANOS && LibC.involuntarySwitches(rusage) != switchesBefore) {
        poller.yieldedToOther(after, after - start);
        return false;
      }
      now = after;
    } while (now - deadline < 0);
    poller.miss(now, now - start);
    return false;
  }

  // ---------------------------------------------------------------- teardown

  @Override
  void shutdown() {
    if (closed) {
      return;
    }
    closing = true;
    submit(AsyncCancel.any(), (res, flags) ->
        LOG.log(Level.DEBUG, "close: ASYNC_CANCEL(ANY|ALL) cancelled {0} operation(s)", res));
    long deadline = System.nanoTime() + options.drainTimeout().toNanos();
    while (table.inFlight() > 0 && System.nanoTime() - deadline < 0) {
      runTasks();
      reap();
      dispatchReady();
      if (table.inFlight() > 0) {
        waitForEvents(Math.min(50_000_000L, Math.max(1, deadline - System.nanoTime())));
        reap();
        dispatchReady();
      }
    }
    boolean drained = table.inFlight() == 0;
    if (!drained) {
      logNotDrained();
    }
    ring.close();
    closeWakeups();
    LibC.close(wakeFd);
    if (drained) {
      arena.close();
    }
    markTerminated();
  }
}
