package org.uringfuse.ring.loop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether every CPU of the machine is busy: the share of CPU time spent idle over the last window,
 * from the first line of /proc/stat ({@code idle} and {@code iowait} against the sum of the first
 * eight fields), with hysteresis so that a share near a threshold does not flip the answer each
 * window.
 *
 * <p>Why {@link SchedIdleGuard} asks. A loop under SCHED_IDLE keeps a woken client on the loop's CPU
 * instead of the scheduler moving it to an idle one; when no CPU is idle there is nowhere to move it
 * to, and SCHED_IDLE only lets every woken client preempt the loop in the middle of its batch.
 * Measured on 2 CPUs (tmpfs, 4 KiB O_DIRECT reads): one psync client or one libaio client at depth 8
 * leaves half the machine idle and gains 1.3-2x from SCHED_IDLE; two to eight psync clients, or two
 * at depth 16, leave about 5% idle and run 3-8% faster with the loops under SCHED_OTHER.
 *
 * <p>Threads: the guard thread only (it holds the guard's lock when it asks).
 */
final class BusyCpus {
  /** The shortest window a share is measured over (/proc/stat counts in 10 ms units). */
  static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** Below this idle share every CPU counts as busy... */
  static final double BUSY_BELOW = 0.15;
  /** ...until the share rises above this one. */
  static final double FREE_ABOVE = 0.30;
  private static final Path PROC_STAT = Path.of("/proc/stat");

  private boolean sampled;
  private long sampledAt;
  private long idle;
  private long total;
  private boolean busy;

  /** The answer as of {@code now} (System.nanoTime()): re-measured once the window has passed. */
  boolean busy(long now) {
    if (sampled && now - sampledAt < WINDOW_NANOS) {
      return busy;
    }
    long[] t = readIdleAndTotal();
    if (t == null) {
      sampled = false;
      busy = false;   // unknown: the guard keeps its other rules
      return false;
    }
    if (sampled && t[1] > total) {
      busy = next(busy, (double) (t[0] - idle) / (t[1] - total));
    }
    sampled = true;
    sampledAt = now;
    idle = t[0];
    total = t[1];
    return busy;
  }

  /** The hysteresis: busy stays busy until the idle share passes {@link #FREE_ABOVE}. */
  static boolean next(boolean busy, double idleShare) {
    return busy ? idleShare < FREE_ABOVE : idleShare < BUSY_BELOW;
  }

  /** {idle + iowait, user + nice + system + idle + iowait + irq + softirq + steal}, or null. */
  private static long[] readIdleAndTotal() {
    try {
      return parse(new String(Files.readAllBytes(PROC_STAT), StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Parses the aggregate {@code cpu} line of /proc/stat text; null if it is not there. */
  static long[] parse(String stat) {
    if (!stat.startsWith("cpu ")) {
      return null;
    }
    int eol = stat.indexOf('\n');
    String[] f = stat.substring(4, eol < 0 ? stat.length() : eol).trim().split("\\s+");
    if (f.length < 8) {
      return null;
    }
    long total = 0;
    for (int i = 0; i < 8; i++) {
      total += Long.parseLong(f[i]);
    }
    return new long[] {Long.parseLong(f[3]) + Long.parseLong(f[4]), total};
  }
}
