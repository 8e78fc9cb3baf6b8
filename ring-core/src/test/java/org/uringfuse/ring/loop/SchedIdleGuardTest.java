package org.uringfuse.ring.loop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * back too, with the wait counted. The suite runs as root, which may leave SCHED_IDLE.
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

  /**
   * While a loop runs, the loops make the checks (a timer wake-up of the guard thread costs more
   * than a check): the guard thread only watches, and checks in their place when they fall behind,
   * which a loop running an iteration every few microseconds never does.
   */
  @Test
  void aRunningLoopMakesTheChecksAndTheGuardThreadOnlyWatches() throws Exception {
    EventLoop loop = EventLoops.start("sched-checks", LoopOptions.defaults().withSched(LoopOptions.Sched.IDLE_WHEN_BUSY));
    AtomicBoolean busy = new AtomicBoolean(true);
    try {
      loop.execute(requeuedWhile(loop, busy));
      await().atMost(BOUND).until(() -> loop.schedStats().idleNow());
      long loopChecksBefore = SchedIdleGuard.loopChecks();
      long guardChecksBefore = SchedIdleGuard.guardChecks();
      await().atMost(BOUND).until(() -> SchedIdleGuard.loopChecks() >= loopChecksBefore + 100);
      long byGuard = SchedIdleGuard.guardChecks() - guardChecksBefore;
      assertTrue(byGuard <= 10, "the guard thread made " + byGuard + " checks while the loop made 100");
      assertTrue(loop.schedStats().idleNow(), "the running loop stayed under SCHED_IDLE: " + loop.schedStats());
    } finally {
      busy.set(false);
      loop.close();
    }
  }

  /** A bottom half that queues itself again (for the next iteration) while {@code busy}: the loop never blocks. */
  private static Runnable requeuedWhile(EventLoop loop, AtomicBoolean busy) {
    return new Runnable() {
      @Override
      public void run() {
        if (busy.get()) {
          loop.bottomHalf(this);
        }
      }
    };
  }

  @Test
  void aBusyLoopRunsUnderSchedIdleUntilItGoesQuietOrWaitsForItsCpu() throws Exception {
    assertEquals("", SchedIdleGuard.unavailableReason(), "root may enter and leave SCHED_IDLE");
    EventLoop loop = EventLoops.start("sched-test", LoopOptions.defaults().withSched(LoopOptions.Sched.IDLE_WHEN_BUSY));
    AtomicBoolean busy = new AtomicBoolean();
    AtomicBoolean stopSpinners = new AtomicBoolean();
    List<Thread> spinners = new ArrayList<>();
    try {
      CompletableFuture<Integer> tidOnCpu0 = new CompletableFuture<>();
      loop.execute(() -> {
        LibC.pinCurrentThread(0);
        tidOnCpu0.complete(LibC.gettid());
      });
      int tid = tidOnCpu0.get(5, TimeUnit.SECONDS);
      Runnable work = requeuedWhile(loop, busy);

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
        spinners.add(Thread.ofPlatform().name("cpu0-spinner-" + i).start(() -> {
          LibC.pinCurrentThread(0);
          long end = System.nanoTime() + 2 * BOUND.toNanos();
          while (!stopSpinners.get() && System.nanoTime() < end) {
            Thread.onSpinWait();
          }
        }));
      }
      // Under SCHED_IDLE beside two busy threads the loop would get 0.3% of CPU 0; the guard sees it
      // stuck and runnable, and puts it back under SCHED_OTHER (that return is what waitedForCpu
      // counts). Busy under SCHED_OTHER, it tries SCHED_IDLE again after each back-off, and is taken
      // back again for as long as the busy threads run.
      await().atMost(BOUND).until(() -> loop.schedStats().waitedForCpu() >= waitedBefore + 2);
      CompletableFuture<Boolean> ran = new CompletableFuture<>();
      loop.execute(() -> ran.complete(true));
      assertTrue(ran.get(BOUND.toSeconds(), TimeUnit.SECONDS), "the loop serves tasks beside the busy threads");
    } finally {
      busy.set(false);
      stopSpinners.set(true);
      for (Thread t : spinners) {
        t.join(BOUND.toMillis());
      }
      loop.close();
    }
  }
}
