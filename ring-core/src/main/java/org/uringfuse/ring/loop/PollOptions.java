package org.uringfuse.ring.loop;

/**
 * How an idle {@link UringEventLoop} busy-polls before it blocks in {@code io_uring_enter}.
 *
 * <ul>
 *   <li>{@link Mode#OFF}: never poll; block as soon as there is nothing to do.
 *   <li>{@link Mode#AUTO}: QEMU's adaptive window (grow while polling finds work, shrink when it
 *       does not, up to {@code maxNanos}), paused while fewer than half its polls find work, and
 *       never while another thread wants this CPU: a poll that sees the CPU taken by another thread
 *       stops, and polling stays off for a back-off period that doubles while the contention lasts
 *       (see {@link AdaptivePoller}).
 *   <li>{@link Mode#FIXED}: always poll {@code maxNanos}, still stepping aside for other threads.
 * </ul>
 *
 * @param mode off, auto or fixed
 * @param maxNanos the window's ceiling (auto) or its length (fixed)
 * @param grow factor the auto window grows by after a poll found work late in the window
 * @param shrink divisor the auto window shrinks by after a wait longer than the ceiling
 */
public record PollOptions(Mode mode, long maxNanos, int grow, int shrink) {

  /** Polling policies. */
  public enum Mode { OFF, AUTO, FIXED }

  /**
   * The auto ceiling when none is given: 20 us. A poll that finds work only after longer than a
   * sleep and a wake-up cost has spent more CPU than it saved (spin-then-block pays at most twice
   * the best choice only while the spin is no longer than the block). With a 50 us ceiling the
   * classic transport's loops, serving a depth-1 client at 20,000 requests a second (a request
   * every 50 us), hit most of their polls after 30 us of spinning: 48 us of server CPU per request
   * against 18 us with polling off, and against 20 to 23 us with this ceiling, which kept the
   * saturated rows' IOPS (depth 1, 2 and 8 clients, depth 8 and 16) within 2%. The io_uring
   * transport's loops rarely poll (see {@link AdaptivePoller}) and measured the same either way.
   */
  public static final long DEFAULT_MAX_NANOS = 20_000;

  public PollOptions {
    if (maxNanos < 0 || grow < 1 || shrink < 1 || (mode != Mode.OFF && maxNanos == 0)) {
      throw new IllegalArgumentException("bad poll options: " + mode + " " + maxNanos + " ns");
    }
  }

  public static PollOptions off() {
    return new PollOptions(Mode.OFF, 0, 2, 2);
  }

  public static PollOptions auto(long maxNanos) {
    return new PollOptions(Mode.AUTO, maxNanos, 2, 2);
  }

  public static PollOptions fixed(long nanos) {
    return new PollOptions(Mode.FIXED, nanos, 2, 2);
  }

  /**
   * Parses the mount option's value: {@code auto}, {@code auto:<us>}, {@code off} or a fixed window
   * in microseconds ({@code 0} is {@code off}).
   */
  public static PollOptions parse(String value) {
    String v = value.trim();
    try {
      if (v.equals("off")) {
        return off();
      }
      if (v.equals("auto")) {
        return auto(DEFAULT_MAX_NANOS);
      }
      if (v.startsWith("auto:")) {
        return auto(micros(v.substring(5)));
      }
      long us = Long.parseLong(v);
      return us == 0 ? off() : fixed(micros(v));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("poll must be auto, auto:<us>, off or <us>, got '" + value + "'");
    }
  }

  private static long micros(String s) {
    long us = Long.parseLong(s);
    if (us <= 0 || us > 10_000_000) {
      throw new IllegalArgumentException("poll window out of range: " + s);
    }
    return us * 1_000;
  }

  @Override
  public String toString() {
    return switch (mode) {
      case OFF -> "off";
      case AUTO -> "auto:" + maxNanos / 1_000;
      case FIXED -> Long.toString(maxNanos / 1_000);
    };
  }
}
