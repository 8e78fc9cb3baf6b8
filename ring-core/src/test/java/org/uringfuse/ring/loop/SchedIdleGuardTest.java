package org.uringfuse.ring.loop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.uringfuse.ring.sys.LibC;

/**
 * The SCHED_IDLE guard on a real loop thread and the real scheduler: a busy loop goes under
 * SCHED_IDLE, a quiet one comes back, and one that waits for its CPU behind a busy thread comes
 * back too, with the wait counted; with every CPU busy it stays out. The suite runs as root, which may leave SCHED_IDLE.
 */
class SchedIdleGuardTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @Test
  void theOptionParsesAsTheMountOptionSpellsIt() {
    assertEquals(LoopOptions.Sched.IDLE_WHEN_BUSY, LoopOptions.Sched.parse("auto"));
    assertEquals(LoopOptions.Sched.NORMAL, LoopOptions.Sched.parse("normal"));
    for (LoopOptions.Sched s : LoopOptions.Sched.values()) {
      assertEquals(s, LoopOptions.Sched.parse(s.toString()));
    }
    for (String bad : new String[] {"", "idle", "AUTO", "off"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoopOptions.Sched.parse(bad));
      assertTrue(e.getMessage().contains("sched must be auto or normal"), e.getMessage());
    }
  }

  @Test
  void aBusyLoopRunsUnderSchedIdleUntilItGoesQuietOrWaitsForItsCpu() throws Exception {
    assertEquals("", SchedIdleGuard.unavailableReason(), "root may enter and leave SCHED_IDLE");
    EventLoop loop = EventLoops.start("sched-test", LoopOptions.defaults().withSched(LoopOptions.Sched.IDLE_WHEN_BUSY));
    AtomicBoolean busy = new AtomicBoolean();
    AtomicBoolean stopSpinners = new AtomicBoolean();
    List<Thread> spinners = new ArrayList<>();
    try {
      int tid = pinToCpu0(loop);
      Runnable work = busyWork(loop, busy);

      busy.set(true);
      loop.execute(work);
      await().atMost(BOUND).until(() -> LibC.schedGetscheduler(tid) == LibC.SCHED_IDLE && loop.schedStats().idleNow());
      assertTrue(loop.schedStats().idleSpells() >= 1, loop.schedStats().toString());

      busy.set(false);
      await().atMost(BOUND).until(() -> LibC.schedGetscheduler(tid) == LibC.SCHED_OTHER);

      busy.set(true);
      loop.execute(work);
      await().atMost(BOUND).until(() -> LibC.schedGetscheduler(tid) == LibC.SCHED_IDLE);
      long waitedBefore = loop.schedStats().waitedForCpu();
      for (int i = 0; i < 2; i++) {
        spinners.add(spinOn(0, stopSpinners));
      }
      // Under SCHED_IDLE beside two busy threads the loop would get 0.3% of CPU 0; the guard sees it
      // stuck and runnable, and puts it back under SCHED_OTHER (that return is what waitedForCpu
      // counts). Busy under SCHED_OTHER, it tries SCHED_IDLE again after each back-off, and is taken
      // back again for as long as the busy threads run.
      await().atMost(BOUND).until(() -> loop.schedStats().waitedForCpu() >= waitedBefore + 2);
      assertServesTasks(loop);
    } finally {
      busy.set(false);
      stop(stopSpinners, spinners);
      loop.close();
    }
  }

  /**
   * With two busy threads on every CPU no CPU is idle: the guard takes the busy loop out of
   * SCHED_IDLE and keeps it out, and once they stop (half the machine idle again) lets it back in.
   */
  @Test
  void aBusyLoopStaysOutOfSchedIdleWhileEveryCpuIsBusy() throws Exception {
    EventLoop loop = EventLoops.start("sched-test", LoopOptions.defaults().withSched(LoopOptions.Sched.IDLE_WHEN_BUSY));
    AtomicBoolean busy = new AtomicBoolean(true);
    AtomicBoolean stopSpinners = new AtomicBoolean();
    List<Thread> spinners = new ArrayList<>();
    try {
      int tid = pinToCpu0(loop);
      loop.execute(busyWork(loop, busy));
      await().atMost(BOUND).until(() -> LibC.schedGetscheduler(tid) == LibC.SCHED_IDLE);
      assertFalse(loop.schedStats().allCpusBusy(), loop.schedStats().toString());

      for (int cpu = 0; cpu < Runtime.getRuntime().availableProcessors(); cpu++) {
        for (int i = 0; i < 2; i++) {
          spinners.add(spinOn(cpu, stopSpinners));
        }
      }
      await().atMost(BOUND).until(() -> loop.schedStats().allCpusBusy() && LibC.schedGetscheduler(tid) == LibC.SCHED_OTHER);
      long spells = loop.schedStats().idleSpells();
      assertServesTasks(loop);
      assertTrue(loop.schedStats().allCpusBusy(), loop.schedStats().toString());
      assertEquals(spells, loop.schedStats().idleSpells(), "no spell under SCHED_IDLE while every CPU is busy");

      stop(stopSpinners, spinners);
      await().atMost(BOUND).until(() -> !loop.schedStats().allCpusBusy() && LibC.schedGetscheduler(tid) == LibC.SCHED_IDLE);
    } finally {
      busy.set(false);
      stop(stopSpinners, spinners);
      loop.close();
    }
  }

  @Test
  void theIdleShareComesFromTheAggregateCpuLineWithHysteresis() {
    long[] t = BusyCpus.parse("cpu  100 5 50 800 45 1 2 7 0 0\ncpu0 50 2 25 400 20 1 1 3 0 0\n");
    assertEquals(845, t[0], "idle + iowait");
    assertEquals(1010, t[1], "user + nice + system + idle + iowait + irq + softirq + steal");
    assertNull(BusyCpus.parse("intr 1 2 3\n"));
    assertNull(BusyCpus.parse("cpu  1 2 3\n"));
    assertTrue(BusyCpus.next(false, 0.05));
    assertFalse(BusyCpus.next(false, 0.20), "not yet busy above the lower threshold");
    assertTrue(BusyCpus.next(true, 0.20), "still busy below the upper threshold");
    assertFalse(BusyCpus.next(true, 0.50));
  }

  private static void assertServesTasks(EventLoop loop) throws Exception {
    CompletableFuture<Boolean> ran = new CompletableFuture<>();
    loop.execute(() -> ran.complete(true));
    assertTrue(ran.get(BOUND.toSeconds(), TimeUnit.SECONDS), "the loop serves tasks beside the busy threads");
  }

  private static void stop(AtomicBoolean stopSpinners, List<Thread> spinners) throws InterruptedException {
    stopSpinners.set(true);
    for (Thread t : spinners) {
      t.join(BOUND.toMillis());
    }
  }

  /** Pins the loop's thread to CPU 0; returns its TID. */
  private static int pinToCpu0(EventLoop loop) throws Exception {
    CompletableFuture<Integer> tidOnCpu0 = new CompletableFuture<>();
    loop.execute(() -> {
      LibC.pinCurrentThread(0);
      tidOnCpu0.complete(LibC.gettid());
    });
    return tidOnCpu0.get(5, TimeUnit.SECONDS);
  }

  /**
   * A bottom half that queues itself again (for the next iteration) while {@code busy}: the loop
   * runs one iteration after another and never blocks.
   */
  private static Runnable busyWork(EventLoop loop, AtomicBoolean busy) {
    return new Runnable() {
      @Override
      public void run() {
        if (busy.get()) {
          loop.bottomHalf(this);
        }
      }
    };
  }

  /** A thread pinned to {@code cpu} that spins until {@code stop} (or twice the bound). */
  private static Thread spinOn(int cpu, AtomicBoolean stop) {
    return Thread.ofPlatform().name("cpu" + cpu + "-spinner").start(() -> {
      LibC.pinCurrentThread(cpu);
      long end = System.nanoTime() + 2 * BOUND.toNanos();
      while (!stop.get() && System.nanoTime() < end) {
        Thread.onSpinWait();
      }
    });
  }
}
