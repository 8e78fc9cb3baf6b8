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

  private final PollOptions options;
  private volatile long window;
  private long pausedUntil;
  private volatile boolean paused;
  private long backoff = MIN_BACKOFF_NANOS;

  private volatile long hits;
  private volatile long misses;
  private volatile long yielded;
  private volatile long polledNanos;

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

  /** The poll found work after {@code nanos}. */
  void hit(long nanos) {
    hits++;
    polledNanos += nanos;
    backoff = MIN_BACKOFF_NANOS;
  }

  /** The window ended with nothing found. */
  void miss(long nanos) {
    misses++;
    polledNanos += nanos;
    backoff = MIN_BACKOFF_NANOS;
  }

  /** Another thread took the CPU during the poll: stop polling for a while. */
  void yieldedToOther(long now, long nanos) {
    yielded++;
    polledNanos += nanos;
    paused = true;
    pausedUntil = now + backoff;
    backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
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
    return new PollStats(hits, misses, yielded, polledNanos, paused ? 0 : window);
  }
}
