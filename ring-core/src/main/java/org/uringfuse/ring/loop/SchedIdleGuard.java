package org.uringfuse.ring.loop;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * <p>The risk, and the guard. SCHED_IDLE weighs 3 against a nice-0 thread's 1024: behind a CPU-bound
 * thread a loop would get 0.3% of its CPU, and every request queued to it would wait. So a guard
 * thread (SCHED_OTHER) looks at each SCHED_IDLE loop every tick: a loop that finished no iteration
 * during the tick goes back to SCHED_OTHER at once, so no loop waits for its CPU under SCHED_IDLE for
 * much more than two ticks. A tick is {@link #TICK_NANOS} after a loop changed policy, and doubles
 * while none does, up to {@link #STEADY_TICK_NANOS}. If it was runnable when found ('R' in
 * /proc/self/task/TID/stat), it was waiting for the CPU: it then stays under SCHED_OTHER for a
 * back-off of 16 ms that doubles, up to 1 s, while that recurs. A loop under SCHED_OTHER that ran
 * more than {@link #BUSY_ITERATIONS_PER_SECOND} over a tick, and is past its back-off, goes to
 * SCHED_IDLE. With no loop under SCHED_IDLE the guard ticks slowly: 50 ms, doubling up to 1 s while
 * no loop runs an iteration.
 *
 * <p>Privilege. Leaving SCHED_IDLE needs CAP_SYS_NICE (or an RLIMIT_NICE that allows nice 0). A
 * process that could not leave it never enters it: {@link #unavailableReason()} says why, and its
 * loops stay under SCHED_OTHER.
 *
 * <p>Threads: the guard thread changes policies and reads /proc (a loop leaving under SCHED_IDLE
 * puts itself back under SCHED_OTHER, holding the lock); the last loop to unregister
 * ends it and waits for it, and the next registration starts another. A loop thread registers
 * (with its TID), counts its iterations (an opaque write) and unregisters before it ends.
 * Registration, unregistration and every policy change hold the guard's lock, so the guard never
 * touches a TID after its loop unregistered (the kernel reuses the TIDs of threads that ended).
 */
public final class SchedIdleGuard {
  private static final System.Logger LOG = System.getLogger(SchedIdleGuard.class.getName());
  /** The guard's period while some loop runs under SCHED_IDLE, right after a loop changed policy. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
  /**
   * The longest tick while some loop runs under SCHED_IDLE: each tick is a timer wake-up of the
   * guard, 33-80 us of CPU on this VM (8 ms a second at one tick per 4 ms: 0.3 us per request at 30K
   * requests a second). Steady loops are looked at every 16 ms, a quarter of the wake-ups; a CPU
   * hog that starts then stalls a SCHED_IDLE loop for up to two such ticks once, and the loop's
   * next spells under SCHED_IDLE are looked at every 4 ms again.
   */
  static final long STEADY_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
  /**
   * The rate of iterations over a tick above which a loop counts as busy. Each tick of the guard is
   * a timer wake-up, 20-90 us of CPU on a VM (5-23 ms a second at one tick per 4 ms), and pays off
   * only where replies come fast: depth-1 reads on tmpfs run 12K iterations a second per loop under
   * SCHED_OTHER and go from 25K to 63K IOPS under SCHED_IDLE, while a loop at disk speed (depth-1
   * O_DIRECT on ext4: 9K requests a second, split between the loops) gained nothing and paid 2 us
   * of guard CPU per request.
   */
  static final long BUSY_ITERATIONS_PER_SECOND = 10_000;
  private static final long QUIET_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long LONGEST_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
  private static final long LONGEST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final VarHandle ITERATIONS;

  static {
    try {
      ITERATIONS = MethodHandles.lookup().findVarHandle(Registration.class, "iterations", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final class Holder {
    static final SchedIdleGuard INSTANCE = new SchedIdleGuard(probe());
  }

  private final String unavailableReason;
  private final List<Registration> loops = new ArrayList<>();   // guarded by this
  private Thread thread;   // guarded by this; runs while some loop is registered

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
    Registration r = new Registration(g, LibC.gettid());
    if (g.unavailableReason.isEmpty()) {
      synchronized (g) {
        r.seenAt = System.nanoTime();
        g.loops.add(r);
        if (g.thread == null) {
          g.thread = Thread.ofPlatform().name("uringfuse-sched-guard").daemon(true).start(g::run);
        }
      }
    }
    return r;
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

  private void run() {
    long tick = QUIET_TICK_NANOS;
    while (true) {
      try {
        TimeUnit.NANOSECONDS.sleep(tick);
      } catch (InterruptedException e) {
        return;   // the last loop left
      }
      tick = tick(tick);
      if (tick < 0) {
        return;
      }
    }
  }

  /**
   * One look at every loop; returns the period until the next, or -1 when this guard was replaced.
   * A method of its own, so that it is compiled after a few hundred ticks: the body of {@link #run}
   * runs once and would stay in the interpreter (where each VarHandle access goes through method
   * handles) until an on-stack replacement, minutes later at 250 ticks a second.
   */
  private long tick(long tick) {
    boolean anyIdle = false;
    boolean anyRan = false;
    boolean changed = false;
    synchronized (this) {
      if (thread != Thread.currentThread()) {
        return -1;
      }
      long now = System.nanoTime();
      for (Registration r : loops) {
        long iterations = (long) ITERATIONS.getOpaque(r);
        long ran = iterations - r.seen;
        long elapsed = Math.max(1, now - r.seenAt);
        r.seen = iterations;
        r.seenAt = now;
        if (r.idle && ran == 0) {
          toNormal(r, now);
          changed = true;
        } else if (!r.idle && now - r.idleNotBefore >= 0
            && ran * TimeUnit.SECONDS.toNanos(1) / elapsed > BUSY_ITERATIONS_PER_SECOND) {
          toIdle(r, now);
          changed = true;
        }
        anyIdle |= r.idle;
        anyRan |= ran > 0;
      }
    }
    if (anyIdle) {
      return changed || tick > STEADY_TICK_NANOS ? TICK_NANOS : Math.min(STEADY_TICK_NANOS, tick * 2);
    }
    return anyRan ? QUIET_TICK_NANOS : Math.min(LONGEST_TICK_NANOS, Math.max(QUIET_TICK_NANOS, tick * 2));
  }

  /** Guard thread, holding the lock. */
  private void toIdle(Registration r, long now) {
    int res = LibC.schedSetscheduler(r.tid, LibC.SCHED_IDLE);
    if (res < 0) {
      LOG.log(Level.WARNING, "cannot put loop thread {0} under SCHED_IDLE: {1}", r.tid, Errno.describe(res));
      r.idleNotBefore = now + LONGEST_BACKOFF_NANOS;
      return;
    }
    r.idle = true;
    r.idleSpells++;
  }

  /** Guard thread, holding the lock. */
  private void toNormal(Registration r, long now) {
    boolean waitingForCpu = runnable(r.tid);
    int res = LibC.schedSetscheduler(r.tid, LibC.SCHED_OTHER);
    if (res < 0) {
      // Cannot happen once the probe passed (the guard's credentials do not change); if it does,
      // the loop keeps SCHED_IDLE, which is slow under contention but not wrong.
      LOG.log(Level.ERROR, "cannot return loop thread {0} to SCHED_OTHER: {1}", r.tid, Errno.describe(res));
      return;
    }
    r.idle = false;
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

  /**
   * One loop thread under the guard. Threads: {@link #iterated()} and {@link #close()} on the loop
   * thread; the rest belongs to the guard thread (the counters are read from any thread, racily).
   */
  static final class Registration implements AutoCloseable {
    private final SchedIdleGuard guard;
    final int tid;
    @SuppressWarnings("unused") // through ITERATIONS
    private long iterations;
    private long seen;
    private long seenAt;
    private volatile boolean idle;
    private long idleNotBefore;
    private long backoff = FIRST_BACKOFF_NANOS;
    private volatile long idleSpells;
    private volatile long waitedForCpu;

    private Registration(SchedIdleGuard guard, int tid) {
      this.guard = guard;
      this.tid = tid;
    }

    /** Counts one finished iteration. Loop thread. */
    void iterated() {
      ITERATIONS.setOpaque(this, (long) ITERATIONS.getOpaque(this) + 1);
    }

    SchedStats stats() {
      return new SchedStats(idle, idleSpells, waitedForCpu);
    }

    /** Leaves the guard (under SCHED_OTHER again). Loop thread, before it ends. */
    @Override
    public void close() {
      guard.unregister(this);
    }
  }
}
