package org.uringfuse.ring.loop;

/**
 * What busy polling did on one loop since it started.
 *
 * @param hits polls that found work before their window ended
 * @param misses polls whose window ended with nothing found (the loop then blocked)
 * @param yieldedToOthers polls stopped because another thread took this CPU while we polled
 * @param pollNanos time spent polling (on the CPU, yielding between checks)
 * @param windowNanos the current window (0 when polling is off or backing off)
 * @param unpaidPauses times the auto window paused because fewer than half of a period's polls
 *     found work
 */
public record PollStats(long hits, long misses, long yieldedToOthers, long pollNanos, long windowNanos,
    long unpaidPauses) {

  public static final PollStats NONE = new PollStats(0, 0, 0, 0, 0, 0);

  /** Share of polls that found work, 0..1 (0 when none ran). */
  public double hitRate() {
    long n = hits + misses + yieldedToOthers;
    return n == 0 ? 0 : (double) hits / n;
  }
}
