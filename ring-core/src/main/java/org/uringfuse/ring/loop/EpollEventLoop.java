package org.uringfuse.ring.loop;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.LongPredicate;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.abi.KernelTimespec;
import org.uringfuse.ring.op.Emulation;
import org.uringfuse.ring.op.PollAdd;
import org.uringfuse.ring.op.SqeOp;
import org.uringfuse.ring.op.SqePrep;
import org.uringfuse.ring.sys.EpollEvent;
import org.uringfuse.ring.sys.LibC;

/**
 * The fallback {@link EventLoop} for machines where io_uring is unavailable (seccomp, sysctl, old
 * kernel). It accepts the same SQE builders and carries out what each says it is
 * ({@link SqeOp#emulation()}) the way QEMU does without io_uring: fds through epoll (POLL_ADD, and
 * ACCEPT, RECV, SEND performed non-blocking on readiness), timers in a heap, file operations as
 * blocking syscalls on a small worker pool (aio=threads), linked chains run in order on one worker.
 * Completions come back through the same handler table and the same {@code (res, flags)} contract.
 * A hand-written {@link SqePrep} (not a builder) is answered {@code -EOPNOTSUPP}.
 *
 * <p>Not available here: URING_CMD ({@code -EOPNOTSUPP}); IO_DRAIN is accepted but ordering is
 * only guaranteed inside link chains; a TIMEOUT's completion count is ignored (pure timer);
 * {@code poll} (busy polling) is not used.
 *
 * <p>Threads: the owner thread owns the epoll fd, the handler table and every map here. Worker threads
 * only run syscalls and post results back with {@link #execute}.
 */
public final class EpollEventLoop extends AbstractEventLoop {
  private static final int MAX_EVENTS = 64;
  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int CANCELLED = 2;

  private final Arena arena = Arena.ofShared();
  private final int epfd;
  private final int wakeFd;
  private final MemorySegment scratchTimespec;
  private final MemorySegment events;
  private final MemorySegment ctlEvent;
  private final MemorySegment wakeValue;
  private final MemorySegment drainBuffer;
  private ExecutorService workers;

  private final ArrayDeque<Completion> ready = new ArrayDeque<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final Map<Long, Timer> timersById = new HashMap<>();
  private final Map<Integer, List<Waiter>> waitersByFd = new HashMap<>();
  private final Map<Integer, Integer> registeredMask = new HashMap<>();
  private final Map<Long, Waiter> waitersById = new HashMap<>();
  private final Map<Long, Job> jobsById = new HashMap<>();
  private final Set<Long> skipSuccess = new HashSet<>();
  private List<Pending> openChain;

  private record Completion(long userData, int res, int flags) {}

  /** An operation of a linked chain: what it is, its {@code IOSQE_*} flags and its id. */
  private record Pending(Emulation op, int sqeFlags, long userData) {
    Emulation.Blocking blocking() {
      return (Emulation.Blocking) op;
    }
  }

  private static final class Timer implements Comparable<Timer> {
    final long userData;
    long deadline;
    final long interval;      // > 0 for multishot timers
    long remaining;           // multishot: fires left, 0 = forever

    Timer(long userData, long deadline, long interval, long remaining) {
      this.userData = userData;
      this.deadline = deadline;
      this.interval = interval;
      this.remaining = remaining;
    }

    @Override
    public int compareTo(Timer o) {
      return Long.compare(deadline - o.deadline, 0);
    }
  }

  private static final class Waiter {
    final long userData;
    final int fd;
    final int events;
    final boolean multishot;
    final IntSupplier action;   // socket op run on readiness; null for a plain poll

    Waiter(long userData, int fd, int events, boolean multishot, IntSupplier action) {
      this.userData = userData;
      this.fd = fd;
      this.events = events;
      this.multishot = multishot;
      this.action = action;
    }
  }

  private static final class Job {
    final List<Pending> ops;
    final AtomicInteger state = new AtomicInteger(QUEUED);

    Job(List<Pending> ops) {
      this.ops = ops;
    }
  }

  /** Creates the epoll instance on the calling thread, which becomes the owner. */
  public EpollEventLoop(LoopOptions options) {
    super(options);
    int ep = LibC.epollCreate1(LibC.EPOLL_CLOEXEC);
    if (ep < 0) {
      throw new IllegalStateException("epoll_create1: " + Errno.describe(ep));
    }
    int efd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
    if (efd < 0) {
      LibC.close(ep);
      throw new IllegalStateException("eventfd: " + Errno.describe(efd));
    }
    epfd = ep;
    wakeFd = efd;
    scratchTimespec = arena.allocate(KernelTimespec.LAYOUT);
    events = arena.allocate(EpollEvent.BYTES * MAX_EVENTS, 8);
    ctlEvent = arena.allocate(16, 8);
    wakeValue = Arena.ofAuto().allocate(8, 8);   // never closed: other threads write from it
    wakeValue.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 1L);
    drainBuffer = arena.allocate(8, 8);
    EpollEvent.set(ctlEvent, 0, PollAdd.POLLIN, wakeFd);
    int r = LibC.epollCtl(epfd, LibC.EPOLL_CTL_ADD, wakeFd, ctlEvent);
    if (r < 0) {
      close(ep, efd);
      throw new IllegalStateException("epoll_ctl(eventfd): " + Errno.describe(r));
    }
  }

  private void close(int ep, int efd) {
    LibC.close(ep);
    LibC.close(efd);
    arena.close();
  }

  @Override
  public LoopOptions.Backend backend() {
    return LoopOptions.Backend.EPOLL;
  }

  // ---------------------------------------------------------------- submission

  @Override
  public int registerFiles(int... fds) {
    checkThread();
    return -Errno.EOPNOTSUPP;   // no ring: ops name files by fd
  }

  @Override
  long submit(SqePrep prep, CqeHandler handler) {
    long userData = table.add(handler);
    if (!(prep instanceof SqeOp<?> op)) {
      post(userData, -Errno.EOPNOTSUPP, 0);
      return userData;
    }
    int sqeFlags = op.sqeFlags();
    if ((sqeFlags & IOSQE_CQE_SKIP_SUCCESS) != 0) {
      skipSuccess.add(userData);
    }
    Emulation what = op.emulation();
    boolean linked = (sqeFlags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK)) != 0;
    if (openChain == null && !linked) {
      start(what, userData);
      return userData;
    }
    if (openChain == null) {
      openChain = new ArrayList<>();
    }
    openChain.add(new Pending(what, sqeFlags, userData));
    if (!linked) {
      flushChain();
    }
    return userData;
  }

  private void flushChain() {
    if (openChain == null) {
      return;
    }
    List<Pending> chain = openChain;
    openChain = null;
    if (chain.size() == 1) {
      start(chain.get(0).op(), chain.get(0).userData());
      return;
    }
    for (Pending p : chain) {
      if (!(p.op() instanceof Emulation.Blocking)) {
        // Only file operations can be chained here; fail the whole chain the way a bad SQE would.
        for (Pending q : chain) {
          post(q.userData(), q == p ? -Errno.EINVAL : -Errno.ECANCELED, 0);
        }
        return;
      }
    }
    startJob(chain);
  }

  private void start(Emulation what, long userData) {
    switch (what) {
      case Emulation.Immediate i -> post(userData, i.res(), 0);
      case Emulation.WhenReady w -> addWaiter(new Waiter(userData, w.fd(), w.events(), w.multishot(), w.call()));
      case Emulation.Timer t -> addTimer(t, userData);
      case Emulation.Cancel c -> post(userData, cancel(c), 0);
      case Emulation.Blocking b -> startJob(List.of(new Pending(b, 0, userData)));
      case Emulation.Unsupported u -> post(userData, -Errno.EOPNOTSUPP, 0);
    }
  }

  private void post(long userData, int res, int flags) {
    ready.add(new Completion(userData, res, flags));
  }

  // ---------------------------------------------------------------- worker jobs

  private void startJob(List<Pending> ops) {
    if (workers == null) {
      AtomicInteger n = new AtomicInteger();
      workers = Executors.newFixedThreadPool(options.workerThreads(), r -> Thread.ofPlatform()
          .name(owner.getName() + "-io-" + n.incrementAndGet()).daemon(true).unstarted(r));
    }
    Job job = new Job(ops);
    for (Pending p : ops) {
      jobsById.put(p.userData(), job);
    }
    workers.execute(() -> runJob(job));
  }

  /** Worker thread: runs the chain in order; a failure cancels the rest unless the op was hard-linked. */
  private void runJob(Job job) {
    if (!job.state.compareAndSet(QUEUED, RUNNING)) {
      return;
    }
    int[] results = new int[job.ops.size()];
    boolean broken = false;
    for (int i = 0; i < results.length; i++) {
      Pending p = job.ops.get(i);
      if (broken) {
        results[i] = -Errno.ECANCELED;
        continue;
      }
      try {
        results[i] = p.blocking().call().getAsInt();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "epoll backend: a file operation failed", e);
        results[i] = -Errno.EIO;
      }
      if (results[i] < 0 && (p.sqeFlags() & IOSQE_IO_HARDLINK) == 0) {
        broken = true;
      }
    }
    execute(() -> {
      for (int i = 0; i < results.length; i++) {
        long ud = job.ops.get(i).userData();
        jobsById.remove(ud);
        post(ud, results[i], 0);
      }
    });
  }

  // ---------------------------------------------------------------- fds

  private void addWaiter(Waiter w) {
    waitersByFd.computeIfAbsent(w.fd, k -> new ArrayList<>()).add(w);
    waitersById.put(w.userData, w);
    rearm(w.fd);
  }

  private void removeWaiter(Waiter w) {
    waitersById.remove(w.userData);
    List<Waiter> list = waitersByFd.get(w.fd);
    if (list != null) {
      list.remove(w);
    }
  }

  /** Brings the epoll registration of {@code fd} in line with its waiters. */
  private void rearm(int fd) {
    List<Waiter> list = waitersByFd.get(fd);
    Integer current = registeredMask.get(fd);
    if (list == null || list.isEmpty()) {
      waitersByFd.remove(fd);
      if (current != null) {
        registeredMask.remove(fd);
        LibC.epollCtl(epfd, LibC.EPOLL_CTL_DEL, fd, MemorySegment.NULL);
      }
      return;
    }
    int mask = 0;
    boolean allMultishot = true;
    for (Waiter w : list) {
      mask |= w.events;
      allMultishot &= w.multishot && w.action == null;
    }
    // Multishot polls are edge-triggered as in io_uring; everything else is one-shot, re-armed here.
    mask |= allMultishot ? LibC.EPOLLET : LibC.EPOLLONESHOT;
    if (current != null && current == mask && allMultishot) {
      return;
    }
    EpollEvent.set(ctlEvent, 0, mask, fd);
    int r = LibC.epollCtl(epfd, current == null ? LibC.EPOLL_CTL_ADD : LibC.EPOLL_CTL_MOD, fd, ctlEvent);
    if (r == 0) {
      registeredMask.put(fd, mask);
      return;
    }
    registeredMask.remove(fd);
    if (r == -Errno.EPERM) {
      // Regular files cannot be polled with epoll; poll(2) reports them always ready, as io_uring does.
      onFdEvent(fd, PollAdd.POLLIN | PollAdd.POLLOUT);
    } else {
      for (Waiter w : new ArrayList<>(list)) {
        removeWaiter(w);
        post(w.userData, r, 0);
      }
      waitersByFd.remove(fd);
    }
  }

  private void onFdEvent(int fd, int revents) {
    List<Waiter> list = waitersByFd.get(fd);
    if (list == null) {
      return;
    }
    for (Waiter w : new ArrayList<>(list)) {
      int readyEvents = revents & (w.events | PollAdd.POLLERR | PollAdd.POLLHUP);
      if (readyEvents == 0) {
        continue;
      }
      if (w.action != null) {
        int res = w.action.getAsInt();
        if (res == -Errno.EAGAIN) {
          continue;
        }
        if (w.multishot && res >= 0) {
          post(w.userData, res, IORING_CQE_F_MORE);
          continue;
        }
        removeWaiter(w);
        post(w.userData, res, 0);
      } else if (w.multishot) {
        post(w.userData, readyEvents, IORING_CQE_F_MORE);
      } else {
        removeWaiter(w);
        post(w.userData, readyEvents, 0);
      }
    }
    if (waitersByFd.containsKey(fd)) {
      rearm(fd);
    }
  }

  // ---------------------------------------------------------------- timers

  private void addTimer(Emulation.Timer timer, long userData) {
    long nanos = timer.nanos();
    long deadline = timer.absolute() ? nanos : System.nanoTime() + nanos;
    boolean multishot = timer.multishot();
    Timer t = new Timer(userData, deadline, multishot ? Math.max(1, nanos) : 0, multishot ? timer.count() : 0);
    timers.add(t);
    timersById.put(userData, t);
  }

  private void fireTimers() {
    long now = System.nanoTime();
    Timer t;
    while ((t = timers.peek()) != null && t.deadline - now <= 0) {
      timers.poll();
      if (t.interval > 0 && t.remaining != 1) {
        if (t.remaining > 1) {
          t.remaining--;
        }
        t.deadline += t.interval;
        timers.add(t);
        post(t.userData, -Errno.ETIME, IORING_CQE_F_MORE);
      } else {
        timersById.remove(t.userData);
        post(t.userData, -Errno.ETIME, 0);
      }
    }
  }

  @Override
  MemorySegment timespec(long nanos) {
    KernelTimespec.set(scratchTimespec, nanos);   // read at once by Timeout.emulation()
    return scratchTimespec;
  }

  // ---------------------------------------------------------------- cancel

  private int lastCancelAnswer;

  /** ASYNC_CANCEL's answer: 0, -EALREADY (running on a worker) or -ENOENT; with ALL or ANY the count. */
  private int cancel(Emulation.Cancel c) {
    int f = c.flags();
    boolean all = (f & (IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY)) != 0;
    LongPredicate match;
    if ((f & IORING_ASYNC_CANCEL_ANY) != 0) {
      match = ud -> true;
    } else if ((f & IORING_ASYNC_CANCEL_FD) != 0) {
      match = ud -> fdOf(ud) == c.fd();
    } else {
      match = ud -> ud == c.userData();
    }
    int n = cancelMatching(match, all);
    if (all) {
      return n;
    }
    return n > 0 ? 0 : lastCancelAnswer;
  }

  private int fdOf(long userData) {
    Waiter w = waitersById.get(userData);
    if (w != null) {
      return w.fd;
    }
    Job j = jobsById.get(userData);
    if (j != null) {
      for (Pending p : j.ops) {
        if (p.userData() == userData) {
          return p.blocking().fd();
        }
      }
    }
    return Integer.MIN_VALUE;
  }

  /** Cancels matching timers, polls and queued jobs; returns how many. Sets {@link #lastCancelAnswer}. */
  private int cancelMatching(LongPredicate match, boolean all) {
    int n = 0;
    lastCancelAnswer = -Errno.ENOENT;
    for (Iterator<Timer> it = timersById.values().iterator(); it.hasNext(); ) {
      Timer t = it.next();
      if (match.test(t.userData)) {
        it.remove();
        timers.remove(t);
        post(t.userData, -Errno.ECANCELED, 0);
        if (++n > 0 && !all) {
          return n;
        }
      }
    }
    for (Waiter w : new ArrayList<>(waitersById.values())) {
      if (match.test(w.userData)) {
        removeWaiter(w);
        rearm(w.fd);
        post(w.userData, -Errno.ECANCELED, 0);
        if (++n > 0 && !all) {
          return n;
        }
      }
    }
    for (Map.Entry<Long, Job> e : new ArrayList<>(jobsById.entrySet())) {
      if (!match.test(e.getKey())) {
        continue;
      }
      Job job = e.getValue();
      if (job.state.compareAndSet(QUEUED, CANCELLED)) {
        for (Pending p : job.ops) {
          jobsById.remove(p.userData());
          post(p.userData(), -Errno.ECANCELED, 0);
        }
        if (++n > 0 && !all) {
          return n;
        }
      } else if (job.state.get() == RUNNING) {
        lastCancelAnswer = -Errno.EALREADY;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- the iteration

  @Override
  void wake() {
    LibC.write(wakeFd, wakeValue, 8);
  }

  private int dispatchReady() {
    int n = 0;
    Completion c;
    while ((c = ready.poll()) != null) {
      n++;
      CqeHandler h = table.get(c.userData());
      if (h == null) {
        LOG.log(Level.WARNING, "completion for unknown operation 0x{0}", Long.toHexString(c.userData()));
        continue;
      }
      if ((c.flags() & IORING_CQE_F_MORE) == 0) {
        table.remove(c.userData());
        if (skipSuccess.remove(c.userData()) && c.res() >= 0) {
          continue;
        }
      }
      try {
        h.complete(c.res(), c.flags());
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "completion handler failed", e);
      }
    }
    return n;
  }

  @Override
  public boolean hasPendingEvents() {
    checkThread();
    return !ready.isEmpty() || hasQueuedWork();
  }

  @Override
  public boolean runOnce(boolean mayBlock) {
    checkThread();
    int work = runTasks() + runBottomHalves();
    flushChain();
    fireTimers();
    work += dispatchReady();
    int timeoutMs = 0;
    if (work == 0 && mayBlock && ready.isEmpty() && openChain == null && !hasQueuedWork()) {
      timeoutMs = 1000;
      Timer next = timers.peek();
      if (next != null) {
        long nanos = next.deadline - System.nanoTime();
        timeoutMs = (int) Math.max(0, Math.min(timeoutMs, (nanos + 999_999) / 1_000_000));
      }
    }
    boolean blocking = timeoutMs > 0 && prepareToBlock();
    int n = LibC.epollWait(epfd, events, MAX_EVENTS, blocking ? timeoutMs : 0);
    if (blocking) {
      doneBlocking();
    }
    for (int i = 0; i < n; i++) {
      int fd = (int) EpollEvent.data(events, i);
      int revents = EpollEvent.events(events, i);
      if (fd == wakeFd) {
        LibC.read(wakeFd, drainBuffer, 8);
      } else {
        registeredMask.computeIfPresent(fd, (k, m) -> (m & LibC.EPOLLONESHOT) != 0 ? m & ~0xffff : m);
        onFdEvent(fd, revents);
      }
    }
    fireTimers();
    work += dispatchReady();
    return work > 0;
  }

  // ---------------------------------------------------------------- teardown

  @Override
  void shutdown() {
    if (closed) {
      return;
    }
    closing = true;
    flushChain();
    cancelMatching(ud -> true, true);
    long deadline = System.nanoTime() + options.drainTimeout().toNanos();
    while (table.inFlight() > 0 && System.nanoTime() - deadline < 0) {
      runOnce(false);
      if (table.inFlight() > 0) {
        runOnce(true);
      }
    }
    boolean drained = table.inFlight() == 0;
    if (!drained) {
      logNotDrained();
    }
    if (workers != null) {
      workers.shutdownNow();
      try {
        workers.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LibC.close(epfd);
    closeWakeups();
    LibC.close(wakeFd);
    if (drained) {
      arena.close();
    }
    markTerminated();
  }
}
