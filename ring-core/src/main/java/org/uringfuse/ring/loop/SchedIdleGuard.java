package org.uringfuse.ring.loop;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;

/**
 * Runs busy event-loop threads under SCHED_IDLE, and puts each back under SCHED_OTHER as soon as it
 * goes quiet or has to wait for its CPU ({@link LoopOptions.Sched#IDLE_WHEN_BUSY}).
 *
 * <p>Why. A loop answers a client by waking it while the loop thread still runs on the client's CPU.
 * The scheduler sees that CPU busy and wakes the client on another, idle, CPU: an inter-processor
 * wake-up per request, and the client's next request goes to that CPU's queue, where the same
 * happens again (depth-1 reads on 2 CPUs: 77K client migrations for 90K requests). A CPU whose
 * runnable threads are all SCHED_IDLE counts as idle ({@code sched_idle_cpu()} in
 * kernel/sched/fair.c): the woken client stays on its CPU, preempts the loop thread at once, and its
 * next request finds the loop there. Depth-1 reads on tmpfs: 43-47K IOPS, against 29-31K with the
 * loop threads under SCHED_OTHER.
 *
 * <p>The risk, and the checks. SCHED_IDLE weighs 3 against a nice-0 thread's 1024: behind a CPU-bound
 * thread a loop would get 0.3% of its CPU, and every request queued to it would wait. So every loop
 * is looked at once per check period: a loop under SCHED_IDLE that finished no iteration since the
 * last check goes back to SCHED_OTHER at once. If it was runnable when found ('R' in
 * /proc/self/task/TID/stat), it was waiting for the CPU: it then stays under SCHED_OTHER for a
 * back-off of 16 ms that doubles, up to 1 s, while that recurs. A loop under SCHED_OTHER that ran
 * more than {@link #BUSY_ITERATIONS_PER_SECOND} since the last check, and is past its back-off, goes
 * to SCHED_IDLE. The period is {@link #TICK_NANOS} after a change and doubles while none comes, up
 * to {@link #STEADY_TICK_NANOS}; with no loop under SCHED_IDLE it is 50 ms, doubling up to 1 s.
 *
 * <p>Who checks, who changes. The loops check, while they run: every
 * {@link #CHECK_EVERY_ITERATIONS}th iteration a loop reads the clock, and the first loop to find a
 * check due claims it (a CAS on {@link #nextCheckAt}) and looks at every loop, its own included. A
 * check only reads counters and marks loops. A loop marked busy puts itself under SCHED_IDLE at its
 * next iteration; a loop marked stalled cannot help itself, so the check unparks the guard thread,
 * which brings it back. The guard thread is also the watchdog: while some loop is under SCHED_IDLE
 * it wakes every {@link #WATCHDOG_NANOS}, and when the loops stopped checking (all quiet, or all
 * starved by CPU hogs) it checks in their place, at the check period, until they check again. So a
 * stalled loop is found within two check periods while another loop runs (the check right after
 * it stalled may still count its last iteration), and within {@link #WATCHDOG_NANOS} plus two
 * periods when none does. Why not a guard thread that checks on a
 * timer: each of its wake-ups costs 33-90 us of CPU on a VM (at 12.6K depth-1 reads a second, 65
 * wake-ups a second were 0.5 us per request; with the loops checking, 0.12 us). Why the busy loop
 * changes its own policy: a guard thread unparked for it wakes on the loop's CPU, which a SCHED_IDLE
 * loop leaves counted as idle, and pushes the client off it (client migrations went up fourfold).
 *
 * <p>Privilege. Leaving SCHED_IDLE needs CAP_SYS_NICE (or an RLIMIT_NICE that allows nice 0). A
 * process that could not leave it never enters it: {@link #unavailableReason()} says why, and its
 * loops stay under SCHED_OTHER.
 *
 * <p>Threads. A loop thread changes only its own policy: into SCHED_IDLE when marked busy, out of it
 * when it unregisters. The guard thread brings stalled loops back, reading /proc, holding the
 * guard's lock; registration and unregistration hold it too, so the guard never touches a TID after
 * its loop unregistered (the kernel reuses the TIDs of threads that ended). A loop says it is idle
 * before its call and reads the flag again after it; the guard clears the flag before its own call;
 * so whichever order the two calls take, a loop left under SCHED_IDLE is flagged idle, where a
 * check can see it. The last loop to unregister ends the guard thread and waits for it; the next
 * registration starts another. Checks take no lock, so a loop preempted in one holds nobody up:
 * they read the loops' counters and flags (volatile or opaque), replace each loop's last-seen
 * snapshot and set its marks; two checks overlap only when one was preempted for a whole period,
 * and then the worst is one misjudged rate, which the next check corrects.
 */
public final class SchedIdleGuard {
  private static final System.Logger LOG = System.getLogger(SchedIdleGuard.class.getName());
  /** The check period right after a loop changed policy, while some loop runs under SCHED_IDLE. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
  /** The longest check period while some loop runs under SCHED_IDLE (the period doubles while no loop changes). */
  static final long STEADY_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
  /**
   * The guard thread's period while the loops check on time: the longest a stall goes unseen when
   * every loop stops at once (CPU hogs on every CPU), before the guard checks in their place.
   */
  static final long WATCHDOG_NANOS = TimeUnit.MILLISECONDS.toNanos(64);
  /** A loop reads the clock, to see whether a check is due, once per this many iterations (a power of 2). */
  static final int CHECK_EVERY_ITERATIONS = 16;
  /**
   * The rate of iterations since the last check above which a loop counts as busy. SCHED_IDLE pays
   * off only where replies come fast: depth-1 reads on tmpfs run 12K iterations a second per loop
   * under SCHED_OTHER and go from 25K to 63K IOPS under SCHED_IDLE, while a loop at disk speed
   * (depth-1 O_DIRECT on ext4: 9K requests a second, split between the loops) gained nothing and
   * paid for the policy changes.
   */
  static final long BUSY_ITERATIONS_PER_SECOND = 10_000;
  private static final long QUIET_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long LONGEST_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
  private static final long LONGEST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final VarHandle ITERATIONS;
  private static final VarHandle NEXT_CHECK_AT;

  static {
    try {
      ITERATIONS = MethodHandles.lookup().findVarHandle(Registration.class, "iterations", long.class);
      NEXT_CHECK_AT = MethodHandles.lookup().findVarHandle(SchedIdleGuard.class, "nextCheckAt", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final class Holder {
    static final SchedIdleGuard INSTANCE = new SchedIdleGuard(probe());
  }

  private final String unavailableReason;
  /** Changed under the lock, read by checks without it. */
  private final List<Registration> loops = new CopyOnWriteArrayList<>();
  /** Set under the lock; runs while some loop is registered. Read by checks to unpark it. */
  private volatile Thread thread;
  /** When the next check is due: whoever finds it due claims the check by moving it on (CAS). */
  @SuppressWarnings("unused") // through NEXT_CHECK_AT
  private volatile long nextCheckAt;
  private volatile long checkPeriod = QUIET_TICK_NANOS;
  /** Whether the guard thread sleeps its longest period, which it does while no loop is under SCHED_IDLE. */
  private volatile boolean sleepingLong;
  /** Checks made by loops; the guard thread compares it with what it saw last to know whether the loops check on time. */
  private final LongAdder loopChecks = new LongAdder();
  private long loopChecksSeen;        // the guard thread's
  /** Checks made by the guard thread, in the loops' place. */
  private volatile long guardChecks;   // written by the guard thread only

  private SchedIdleGuard(String unavailableReason) {
    this.unavailableReason = unavailableReason;
  }

  /**
   * Why loops of this process cannot run under SCHED_IDLE here, or empty when they can. The first
   * call tries it on a short-lived thread.
   */
  public static String unavailableReason() {
    return Holder.INSTANCE.unavailableReason;
  }

  /** Puts the calling loop thread under the guard; it must {@link Registration#close()} before it ends. */
  static Registration register() {
    SchedIdleGuard g = Holder.INSTANCE;
    Registration r = new Registration(g, LibC.gettid(), g.unavailableReason.isEmpty());
    if (r.guarded) {
      synchronized (g) {
        r.seen = new Seen(0, System.nanoTime());
        g.loops.add(r);
        if (g.thread == null) {
          g.nextCheckAt = System.nanoTime() + QUIET_TICK_NANOS;
          g.thread = Thread.ofPlatform().name("uringfuse-sched-guard").daemon(true).start(g::run);
        }
      }
    }
    return r;
  }

  /** Checks made so far by loop threads. */
  static long loopChecks() {
    return Holder.INSTANCE.loopChecks.sum();
  }

  /** Checks made so far by the guard thread, in the loops' place. */
  static long guardChecks() {
    return Holder.INSTANCE.guardChecks;
  }

  /** Tries entering and leaving SCHED_IDLE on a thread of its own: empty if both work, else why not. */
  private static String probe() {
    String[] why = {"the probe thread did not run"};
    Thread t = Thread.ofPlatform().name("uringfuse-sched-probe").unstarted(() -> {
      int r = LibC.schedSetscheduler(0, LibC.SCHED_IDLE);
      if (r < 0) {
        why[0] = "cannot enter SCHED_IDLE: " + Errno.describe(r);
        return;
      }
      r = LibC.schedSetscheduler(0, LibC.SCHED_OTHER);
      why[0] = r < 0 ? "a thread cannot leave SCHED_IDLE without CAP_SYS_NICE (" + Errno.describe(r) + ")" : "";
    });
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while probing SCHED_IDLE";
    }
    return why[0];
  }

  // ------------------------------------------------------------------ checks (any thread, no lock)

  /** A loop thread, every {@link #CHECK_EVERY_ITERATIONS}th iteration: runs the check if it is due. */
  private void checkIfDue() {
    long now = System.nanoTime();
    if (claimCheck(now)) {
      loopChecks.increment();
      if (check(now)) {
        wakeGuard();
      }
    }
  }

  private void wakeGuard() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  private boolean claimCheck(long now) {
    long due = (long) NEXT_CHECK_AT.getVolatile(this);
    return now - due >= 0 && NEXT_CHECK_AT.compareAndSet(this, due, now + checkPeriod);
  }

  /**
   * One look at every loop: marks the loops whose policy should change (a busy loop goes under
   * SCHED_IDLE itself at its next iteration, a stalled one needs the guard thread), sets the next
   * period, and returns whether it found a loop stalled. A method of its own, so that it is
   * compiled after a few hundred checks whoever runs them.
   */
  private boolean check(long now) {
    boolean stalled = false;
    boolean busy = false;
    boolean idle = false;
    boolean ran = false;
    for (Registration r : loops) {
      long iterations = (long) ITERATIONS.getOpaque(r);
      Seen last = r.seen;
      r.seen = new Seen(iterations, now);
      long count = iterations - last.iterations();
      long elapsed = Math.max(1, now - last.at());
      if (r.idle && count == 0) {
        r.stalled = true;
        stalled = true;
      } else if (!r.idle && now - r.idleNotBefore >= 0
          && count * TimeUnit.SECONDS.toNanos(1) / elapsed > BUSY_ITERATIONS_PER_SECOND) {
        r.busy = true;
        busy = true;
      }
      idle |= r.idle;
      ran |= count > 0;
    }
    long period = checkPeriod;
    if (idle) {
      period = Math.min(STEADY_TICK_NANOS, period * 2);   // back to TICK_NANOS when a policy changes
    } else if (busy) {
      period = TICK_NANOS;   // a loop is about to go under SCHED_IDLE
    } else {
      period = ran ? QUIET_TICK_NANOS : Math.min(LONGEST_TICK_NANOS, Math.max(QUIET_TICK_NANOS, period * 2));
    }
    checkPeriod = period;
    NEXT_CHECK_AT.setVolatile(this, now + period);
    return stalled;
  }

  /** A policy changed (a loop put itself under SCHED_IDLE, or the guard brought one back): the next checks come at the short period. */
  private void policyChanged(long now) {
    checkPeriod = TICK_NANOS;
    NEXT_CHECK_AT.setVolatile(this, now + TICK_NANOS);
  }

  // ------------------------------------------------------------------ the guard thread

  private void run() {
    long sleep = QUIET_TICK_NANOS;
    while (true) {
      LockSupport.parkNanos(this, sleep);
      if (Thread.interrupted() || thread != Thread.currentThread()) {
        return;   // the last loop left
      }
      sleep = wake();
    }
  }

  /**
   * The guard thread, woken by its timer, by a check that found a loop stalled, or by a loop that
   * went under SCHED_IDLE while the guard slept long: checks in the loops' place when they did not,
   * brings the stalled loops back, and returns how long to sleep.
   */
  private long wake() {
    long now = System.nanoTime();
    long checks = loopChecks.sum();
    boolean loopsCheck = checks != loopChecksSeen;
    loopChecksSeen = checks;
    boolean guardChecked = claimCheck(now);
    if (guardChecked) {
      guardChecks++;
      check(now);
    }
    if (bringBackStalled(now)) {
      policyChanged(now);
    }
    // Nothing can starve while no loop is under SCHED_IDLE: the guard sleeps long, and a loop that
    // goes under it wakes the guard. Flag first, then look (the loop sets idle, then reads the flag),
    // so that one of the two sees the other.
    sleepingLong = true;
    if (!anyIdle()) {
      return LONGEST_TICK_NANOS;
    }
    sleepingLong = false;
    if (loopsCheck && !guardChecked) {
      return WATCHDOG_NANOS;
    }
    return Math.max(1, (long) NEXT_CHECK_AT.getVolatile(this) - now);
  }

  /** Puts the loops a check found stalled back under SCHED_OTHER; true if any. Guard thread. */
  private synchronized boolean bringBackStalled(long now) {
    boolean changed = false;
    for (Registration r : loops) {
      if (r.stalled) {
        r.stalled = false;
        // Still stalled: a loop that ran an iteration since the check that marked it is not.
        if (r.idle && (long) ITERATIONS.getOpaque(r) == r.seen.iterations()) {
          toNormal(r, now);
          changed = true;
        }
      }
    }
    return changed;
  }

  private boolean anyIdle() {
    for (Registration r : loops) {
      if (r.idle) {
        return true;
      }
    }
    return false;
  }

  /**
   * The loop thread of {@code r}, marked busy by a check: goes under SCHED_IDLE. It says so
   * ({@code idle}) before the call, so that a check finding it stalled from then on brings it back;
   * if the guard did so before this thread's call took effect, the thread puts itself back.
   */
  private void toIdle(Registration r) {
    r.busy = false;
    long now = System.nanoTime();
    if (r.idle || now - r.idleNotBefore < 0) {
      return;
    }
    r.idle = true;
    int res = LibC.schedSetscheduler(0, LibC.SCHED_IDLE);
    if (res < 0) {
      r.idle = false;
      r.idleNotBefore = now + LONGEST_BACKOFF_NANOS;
      LOG.log(Level.WARNING, "cannot put loop thread {0} under SCHED_IDLE: {1}", r.tid, Errno.describe(res));
      return;
    }
    if (!r.idle) {
      LibC.schedSetscheduler(0, LibC.SCHED_OTHER);
      return;
    }
    r.idleSpells++;
    policyChanged(now);
    if (sleepingLong) {
      wakeGuard();
    }
  }

  /**
   * Guard thread, holding the lock. Clears {@code idle} before the call: a loop thread that is
   * putting itself under SCHED_IDLE ({@link #toIdle}) reads it after its own call, and puts itself
   * back if it finds it cleared.
   */
  private void toNormal(Registration r, long now) {
    boolean waitingForCpu = runnable(r.tid);
    r.idle = false;
    int res = LibC.schedSetscheduler(r.tid, LibC.SCHED_OTHER);
    if (res < 0) {
      // Cannot happen once the probe passed (the guard's credentials do not change); if it does,
      // the loop keeps SCHED_IDLE, which is slow under contention but not wrong.
      r.idle = true;
      LOG.log(Level.ERROR, "cannot return loop thread {0} to SCHED_OTHER: {1}", r.tid, Errno.describe(res));
      return;
    }
    if (waitingForCpu) {
      r.waitedForCpu++;
      r.idleNotBefore = now + r.backoff;
      r.backoff = Math.min(LONGEST_BACKOFF_NANOS, r.backoff * 2);
    } else {
      r.backoff = FIRST_BACKOFF_NANOS;
    }
  }

  /** Whether the thread is runnable ('R'): running, or waiting in a run queue. */
  private static boolean runnable(int tid) {
    try {
      String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'R';
    } catch (IOException e) {
      return false;
    }
  }

  /** Loop thread. The last loop to leave ends the guard thread, and waits for it (bounded). */
  private void unregister(Registration r) {
    Thread ending = null;
    synchronized (this) {
      if (loops.remove(r) && r.idle) {
        LibC.schedSetscheduler(r.tid, LibC.SCHED_OTHER);
        r.idle = false;
      }
      if (loops.isEmpty() && thread != null) {
        ending = thread;
        thread = null;   // the next registration starts another
      }
    }
    if (ending != null) {
      ending.interrupt();
      try {
        ending.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A loop's iteration count and when a check saw it. */
  private record Seen(long iterations, long at) { }

  /**
   * One loop thread under the guard. Threads: {@link #iterated()} and {@link #close()} on the loop
   * thread; {@code seen} and the marks are written by checks (any loop, or the guard thread); the
   * policy state by the guard thread under its lock (the counters are read from any thread, racily).
   */
  static final class Registration implements AutoCloseable {
    private final SchedIdleGuard guard;
    private final boolean guarded;
    final int tid;
    @SuppressWarnings("unused") // through ITERATIONS
    private long iterations;
    private volatile Seen seen;
    private volatile boolean stalled;
    private volatile boolean busy;
    private volatile boolean idle;
    private volatile long idleNotBefore;
    private long backoff = FIRST_BACKOFF_NANOS;   // the guard thread's
    private volatile long idleSpells;
    private volatile long waitedForCpu;

    private Registration(SchedIdleGuard guard, int tid, boolean guarded) {
      this.guard = guard;
      this.tid = tid;
      this.guarded = guarded;
    }

    /** Counts one finished iteration, runs a check when one is due, and goes under SCHED_IDLE when one found it busy. Loop thread. */
    void iterated() {
      long n = (long) ITERATIONS.getOpaque(this) + 1;
      ITERATIONS.setOpaque(this, n);
      if ((n & (CHECK_EVERY_ITERATIONS - 1)) == 0 && guarded) {
        guard.checkIfDue();
      }
      if (busy) {
        guard.toIdle(this);
      }
    }

    SchedStats stats() {
      return new SchedStats(idle, idleSpells, waitedForCpu);
    }

    /** Leaves the guard (under SCHED_OTHER again). Loop thread, before it ends. */
    @Override
    public void close() {
      if (guarded) {
        guard.unregister(this);
      }
    }
  }
}
