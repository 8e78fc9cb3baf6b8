package org.uringfuse.ring.loop;

/**
 * What {@link SchedIdleGuard} did with one loop's thread since it started.
 *
 * @param idleNow whether the thread runs under SCHED_IDLE now
 * @param idleSpells how many times it went under SCHED_IDLE (busy, and its CPU free)
 * @param waitedForCpu how many of those spells ended because it waited for its CPU (another thread
 *     wanted it), rather than because it went quiet
 */
public record SchedStats(boolean idleNow, long idleSpells, long waitedForCpu) {

  public static final SchedStats NONE = new SchedStats(false, 0, 0);
}
