package org.uringfuse.ring.loop;

import java.util.concurrent.TimeUnit;

/**
 * Decides how long an idle loop busy-polls before blocking, and keeps the score.
 *
 * <p>The window adapts as QEMU's {@code adjust_polling_time()} does: after a wait that ended within
 * the ceiling, it grows (from 4 us, times {@code grow}); after a wait longer than the ceiling, it
 * shrinks (divided by {@code shrink}). On top of that, polling never competes with other threads for
 * the CPU: the poll loop yields between checks, and a yield that let another thread run (it came
 * back late, and the thread's involuntary context switches rose) means another thread wanted this
 * CPU (a client we serve, more often than not). That poll stops
 * and polling pauses for a back-off period, 1 ms at first and doubling up to 128 ms while such
 * contention keeps being seen; a poll that runs uncontended resets it.
 *
 * <p>And the auto window must pay for itself. Every {@link #PERIOD_POLLS} polls are judged together:
 * when fewer than half of them found work, polling pauses, 1 ms at first and doubling up to 1 s
 * while periods keep failing; a period that passes resets the pause. A miss costs a whole window
 * of CPU and a hit saves one sleep and wake-up, so a poll that rarely hits costs more than it
 * saves. On a 2-CPU VM the io_uring transport's loops hit almost never (a loop under SCHED_IDLE
 * shares its CPU with the client it serves, so the next request comes only after the loop has
 * stepped aside), while polling took 2% of their CPU at depth 1 and 6% with clients that sleep
 * between requests; the classic transport's loops hit 96% of their polls at depth 1 and 63% at
 * depth 8, and keep polling.
 *
 * <p>Threads: every method but {@link #stats()} is called by the loop's owner thread only; the
 * counters, the window and the pause flag are volatile so that {@code stats()} may be read from any
 * thread.
 */
final class AdaptivePoller {
  /** A sched_yield that returns later than this may have let another thread run (a bare one is ~1 us). */
  static final long YIELD_TAKEN_NANOS = 6_000;
  private static final long FIRST_WINDOW_NANOS = 4_000;
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(128);
  /** Polls judged together: the auto window keeps polling only while half of them find work. */
  static final int PERIOD_POLLS = 32;
  private static final long MAX_UNPAID_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final PollOptions options;
  private volatile long window;
  private long pausedUntil;
  private volatile boolean paused;
  private long backoff = MIN_BACKOFF_NANOS;
  private int periodPolls;
  private int periodHits;
  private long unpaidPause = MIN_BACKOFF_NANOS;

  private volatile long hits;
  private volatile long misses;
  private volatile long yielded;
  private volatile long polledNanos;
  private volatile long unpaidPauses;

  AdaptivePoller(PollOptions options) {
    this.options = options;
    this.window = options.mode() == PollOptions.Mode.FIXED ? options.maxNanos() : 0;
  }

  /** The window to poll now ({@code now} from System.nanoTime()); 0 means block at once. */
  long window(long now) {
    if (window == 0) {
      return 0;
    }
    if (paused) {
      if (now - pausedUntil < 0) {
        return 0;
      }
      paused = false;
    }
    return window;
  }

  /** The poll found work after {@code nanos}, at {@code now}. */
  void hit(long now, long nanos) {
    hits++;
    polledNanos += nanos;
    backoff = MIN_BACKOFF_NANOS;
    judge(now, true);
  }

  /** The window ended at {@code now} with nothing found. */
  void miss(long now, long nanos) {
    misses++;
    polledNanos += nanos;
    backoff = MIN_BACKOFF_NANOS;
    judge(now, false);
  }

  /** Another thread took the CPU during the poll: stop polling for a while. */
  void yieldedToOther(long now, long nanos) {
    yielded++;
    polledNanos += nanos;
    pauseUntil(now + backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
    judge(now, false);
  }

  /** Counts one poll into the current period (auto window only) and judges the period once it is full. */
  private void judge(long now, boolean found) {
    if (options.mode() != PollOptions.Mode.AUTO) {
      return;
    }
    periodPolls++;
    if (found) {
      periodHits++;
    }
    if (periodPolls < PERIOD_POLLS) {
      return;
    }
    if (periodHits * 2 < periodPolls) {
      unpaidPauses++;
      pauseUntil(now + unpaidPause);
      unpaidPause = Math.min(unpaidPause * 2, MAX_UNPAID_PAUSE_NANOS);
    } else {
      unpaidPause = MIN_BACKOFF_NANOS;
    }
    periodPolls = 0;
    periodHits = 0;
  }

  private void pauseUntil(long until) {
    if (!paused || until - pausedUntil > 0) {
      pausedUntil = until;
    }
    paused = true;
  }

  /** The loop blocked for {@code blockNanos} (polling included): adapt the auto window. */
  void blocked(long blockNanos) {
    if (options.mode() != PollOptions.Mode.AUTO || blockNanos <= window) {
      return;
    }
    long max = options.maxNanos();
    if (blockNanos > max) {
      window = options.shrink() > 1 ? window / options.shrink() : 0;
      if (window < FIRST_WINDOW_NANOS) {
        window = 0;
      }
    } else if (window < max) {
      window = window == 0 ? Math.min(FIRST_WINDOW_NANOS, max) : Math.min(window * options.grow(), max);
    }
  }

  PollStats stats() {
    return new PollStats(hits, misses, yielded, polledNanos, paused ? 0 : window, unpaidPauses);
  }
}
