package org.uringfuse.ring.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.testing.RequireUring;

/** The poll policy: option parsing, the adaptive window, the back-off, and what a real loop reports. */
class PollingTest {

  @Test
  void optionsParseAsTheMountOptionSpellsThem() {
    assertEquals(PollOptions.off(), PollOptions.parse("off"));
    assertEquals(PollOptions.off(), PollOptions.parse("0"));
    assertEquals(PollOptions.auto(20_000), PollOptions.parse("auto"));
    assertEquals(PollOptions.auto(120_000), PollOptions.parse("auto:120"));
    assertEquals(PollOptions.fixed(30_000), PollOptions.parse("30"));
    for (String s : new String[] {"off", "auto:50", "30"}) {
      assertEquals(s, PollOptions.parse(s).toString());
    }
    for (String bad : new String[] {"", "on", "-5", "auto:", "auto:0", "1.5", "99999999999"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PollOptions.parse(bad));
      assertTrue(e.getMessage().contains("poll must be"), e.getMessage());
    }
  }

  @Test
  void autoWindowGrowsOnShortWaitsAndShrinksOnLongOnes() {
    AdaptivePoller p = new AdaptivePoller(PollOptions.auto(50_000));
    assertEquals(0, p.window(0), "no polling before a short wait was seen");
    p.blocked(10_000);
    assertEquals(4_000, p.window(0));
    p.blocked(10_000);
    assertEquals(8_000, p.window(0));
    for (int i = 0; i < 10; i++) {
      p.blocked(40_000);
    }
    assertEquals(50_000, p.window(0), "capped at the ceiling");
    p.blocked(1_000_000);
    assertEquals(25_000, p.window(0), "a long wait halves the window");
    for (int i = 0; i < 10; i++) {
      p.blocked(1_000_000);
    }
    assertEquals(0, p.window(0), "idle: polling off");
  }

  @Test
  void aYieldToAnotherThreadPausesPollingWithAGrowingBackOff() {
    AdaptivePoller p = new AdaptivePoller(PollOptions.fixed(20_000));
    long now = 1_000_000_000L;
    assertEquals(20_000, p.window(now));
    p.yieldedToOther(now, 5_000);
    assertEquals(0, p.window(now + 500_000), "paused for 1 ms");
    assertEquals(20_000, p.window(now + 1_000_001), "back after 1 ms");
    p.yieldedToOther(now + 2_000_000, 5_000);
    assertEquals(0, p.window(now + 3_500_000), "second pause: 2 ms");
    assertEquals(20_000, p.window(now + 4_000_001));
    p.hit(now + 4_500_000, 1_000);
    p.yieldedToOther(now + 5_000_000, 5_000);
    assertEquals(20_000, p.window(now + 6_000_001), "an uncontended poll reset the back-off to 1 ms");
    PollStats s = p.stats();
    assertEquals(1, s.hits());
    assertEquals(3, s.yieldedToOthers());
    assertEquals(16_000, s.pollNanos());
  }

  @Test
  void autoPollingThatHitsUnderHalfItsPollsPausesWithAGrowingBackOff() {
    AdaptivePoller p = new AdaptivePoller(PollOptions.auto(50_000));
    p.blocked(10_000);
    long now = 1_000_000_000L;
    assertEquals(4_000, p.window(now));
    // a period of 15 hits and 17 misses: under half
    for (int i = 0; i < AdaptivePoller.PERIOD_POLLS; i++) {
      if (i % 2 == 0 && i < 30) {
        p.hit(now, 1_000);
      } else {
        p.miss(now, 4_000);
      }
    }
    assertEquals(0, p.window(now + 999_999), "paused for 1 ms");
    assertEquals(4_000, p.window(now + 1_000_001), "back after 1 ms");
    assertEquals(1, p.stats().unpaidPauses());
    now += 2_000_000;
    for (int i = 0; i < AdaptivePoller.PERIOD_POLLS; i++) {
      p.miss(now, 4_000);
    }
    assertEquals(0, p.window(now + 1_999_999), "second failing period: 2 ms");
    assertEquals(4_000, p.window(now + 2_000_001));
    now += 3_000_000;
    for (int i = 0; i < AdaptivePoller.PERIOD_POLLS; i++) {
      p.hit(now, 1_000);
    }
    assertEquals(4_000, p.window(now), "a period that paid does not pause");
    for (int i = 0; i < AdaptivePoller.PERIOD_POLLS; i++) {
      p.miss(now, 4_000);
    }
    assertEquals(4_000, p.window(now + 1_000_001), "and it reset the pause to 1 ms");
    assertEquals(3, p.stats().unpaidPauses());
  }

  @Test
  void fixedPollingIsNotJudged() {
    AdaptivePoller p = new AdaptivePoller(PollOptions.fixed(20_000));
    for (int i = 0; i < 4 * AdaptivePoller.PERIOD_POLLS; i++) {
      p.miss(0, 20_000);
    }
    assertEquals(20_000, p.window(1), "a fixed window polls whatever it finds");
    assertEquals(0, p.stats().unpaidPauses());
  }

  @Test
  void offNeverPolls() {
    AdaptivePoller p = new AdaptivePoller(PollOptions.off());
    p.blocked(1_000);
    p.blocked(1_000);
    assertEquals(0, p.window(0));
  }

  /**
   * A real loop (pinned to CPU 1) with a fixed window, woken again and again by a thread on CPU 0:
   * each task lands while the loop polls after the previous one, and the poll sees it (a hit). Then
   * a busy thread pinned to the loop's CPU: the polls yield to it and stop, instead of spinning
   * beside it. Each phase wakes the loop until its counter moves, bounded.
   */
  @Test
  void aRealLoopCountsHitsAndStepsAsideForABusyThread() throws Exception {
    RequireUring.ioUring();
    Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs");
    EventLoop loop = EventLoops.start("poll-test", LoopOptions.defaults().withPoll(PollOptions.fixed(2_000_000)));
    try {
      CountDownLatch pinned = new CountDownLatch(1);
      loop.execute(() -> {
        LibC.pinCurrentThread(1);
        pinned.countDown();
      });
      assertTrue(pinned.await(5, TimeUnit.SECONDS));
      // Other threads of this JVM (the JIT) may share CPU 1 for a while, and the loop then rightly
      // backs off: keep waking it until a poll catches a task.
      onCpu(0, () -> wakeUntil(loop, () -> loop.pollStats().hits() > 0));
      assertTrue(loop.pollStats().hits() > 0, "an idle loop woken from another CPU polls and hits: "
          + loop.pollStats());

      long yieldedBefore = loop.pollStats().yieldedToOthers();
      AtomicBoolean stop = new AtomicBoolean();
      Thread spinner = Thread.ofPlatform().start(() -> {
        LibC.pinCurrentThread(1);
        long end = System.nanoTime() + WAKE_BOUND_NANOS;
        while (!stop.get() && System.nanoTime() < end) {
          Thread.onSpinWait();
        }
      });
      try {
        onCpu(0, () -> wakeUntil(loop, () -> loop.pollStats().yieldedToOthers() > yieldedBefore));
      } finally {
        stop.set(true);
        spinner.join(5_000);
      }
      assertTrue(loop.pollStats().yieldedToOthers() > yieldedBefore,
          "polls beside a busy thread on the same CPU must step aside: " + loop.pollStats());
    } finally {
      loop.close();
    }
  }

  private static final long WAKE_BOUND_NANOS = 10_000_000_000L;

  /** Runs a task on the loop and waits for it, again and again, until {@code done} (at most 10 s). */
  private static void wakeUntil(EventLoop loop, BooleanSupplier done) {
    long deadline = System.nanoTime() + WAKE_BOUND_NANOS;
    try {
      while (!done.getAsBoolean() && System.nanoTime() < deadline) {
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS), "task did not run");
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs {@code body} on a new platform thread pinned to {@code cpu} and waits for it (bounded). */
  private static void onCpu(int cpu, Runnable body) throws Exception {
    Throwable[] failure = new Throwable[1];
    Thread t = Thread.ofPlatform().start(() -> {
      LibC.pinCurrentThread(cpu);
      try {
        body.run();
      } catch (Throwable e) {
        failure[0] = e;
      }
    });
    t.join(30_000);
    assertTrue(!t.isAlive(), "pinned thread did not finish");
    if (failure[0] != null) {
      throw new AssertionError(failure[0]);
    }
  }
}
