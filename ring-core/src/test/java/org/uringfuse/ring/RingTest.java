package org.uringfuse.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.op.Nop;
import org.uringfuse.ring.op.PollAdd;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.testing.RequireUring;

/** The raw ring against the kernel: setup, flags, probe, SQ-full, reap. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RingTest {

  @BeforeEach
  void needUring() {
    RequireUring.ioUring();
  }

  @Test
  void createsRingWithDefaultFlagsAndSingleMmap() {
    try (Ring ring = Ring.create(RingOptions.defaults())) {
      assertEquals(256, ring.sqEntries());
      assertEquals(512, ring.cqEntries());
      assertTrue((ring.features() & IORING_FEAT_SINGLE_MMAP) != 0);
      assertTrue(ring.hasFlag(IORING_SETUP_DEFER_TASKRUN), Ring.describeFlags(ring.flags()));
      assertEquals(64, ring.sqeBytes());
    }
  }

  @Test
  void aRingIsEnteredThroughItsThreadsRegistrationWhichCloseReleases() {
    // A thread has 16 registration slots: more rings than that in turn means close gives each back.
    for (int i = 0; i < 40; i++) {
      try (Ring ring = Ring.create(RingOptions.defaults().withEntries(4))) {
        assertTrue(ring.registeredWithThread(), "ring " + i + " registered with its thread");
        assertTrue(ring.enter(0, IORING_ENTER_GETEVENTS) >= 0);
      }
    }
  }

  @Test
  void sqe128AndCqSize() {
    try (Ring ring = Ring.create(RingOptions.defaults().withEntries(8).withCqEntries(1024).sqe128())) {
      assertEquals(128, ring.sqeBytes());
      assertEquals(1024, ring.cqEntries());
      assertTrue(ring.hasFlag(IORING_SETUP_SQE128 | IORING_SETUP_CQSIZE));
    }
  }

  @Test
  void probeReportsTheOpcodesWeUse() {
    try (Ring ring = Ring.create(RingOptions.defaults().withEntries(4))) {
      Probe p = ring.probe();
      for (int op : IoUring.INTERESTING_OPCODES) {
        assertTrue(p.supports(op), Probe.opcodeName(op));
      }
      assertTrue(p.lastOp() >= IORING_OP_FTRUNCATE);
    }
  }

  @Test
  void fullSqReturnsNullUntilSubmitted() {
    try (Ring ring = Ring.create(RingOptions.defaults().withEntries(8))) {
      for (int i = 0; i < 8; i++) {
        MemorySegmentHolder.prep(ring.nextSqe(), i + 1);
      }
      assertNull(ring.nextSqe(), "SQ of 8 must be full after 8 SQEs");
      assertEquals(8, ring.pendingSubmissions());
      assertEquals(8, ring.enter(8, IORING_ENTER_GETEVENTS));
      assertNotNull(ring.nextSqe());
      long[] ud = new long[16];
      int[] res = new int[16];
      int[] flags = new int[16];
      assertEquals(8, ring.reap(ud, res, flags, 0, 16));
      for (int i = 0; i < 8; i++) {
        assertEquals(i + 1, ud[i]);
        assertEquals(0, res[i]);
      }
    }
  }

  @Test
  void enterWithTimeoutReturnsEtime() {
    try (Ring ring = Ring.create(RingOptions.defaults().withEntries(4))) {
      long t0 = System.nanoTime();
      assertEquals(-Errno.ETIME, ring.enterWithTimeout(1, 20_000_000L));
      assertTrue(System.nanoTime() - t0 >= 15_000_000L);
    }
  }

  @Test
  void drainedSqeCompletesAfterEverythingBefore() {
    try (Ring ring = Ring.create(RingOptions.defaults().withEntries(8));
         java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
      java.lang.foreign.MemorySegment ts = arena.allocate(org.uringfuse.ring.abi.KernelTimespec.LAYOUT);
      org.uringfuse.ring.abi.KernelTimespec.set(ts, 20_000_000L);
      java.lang.foreign.MemorySegment sqe = ring.nextSqe();
      org.uringfuse.ring.op.Timeout.of(ts, 0).prep(sqe);
      Sqe.userData(sqe, 1);
      sqe = ring.nextSqe();
      Nop.create().drain().prep(sqe);
      Sqe.userData(sqe, 2);
      long[] ud = new long[4];
      int[] res = new int[4];
      int[] flags = new int[4];
      int n = 0;
      long deadline = System.nanoTime() + 5_000_000_000L;
      ring.enter(0, IORING_ENTER_GETEVENTS);
      while (n < 2 && System.nanoTime() < deadline) {
        ring.enterWithTimeout(1, 100_000_000L);
        n += ring.reap(ud, res, flags, n, 4 - n);
      }
      assertEquals(2, n);
      assertEquals(1, ud[0], "the timeout completes first");
      assertEquals(-Errno.ETIME, res[0]);
      assertEquals(2, ud[1], "the drained NOP waits for it");
    }
  }

  /**
   * A thread waiting on its ring with an operation in flight is not counted as waiting for I/O
   * (IORING_ENTER_NO_IOWAIT, Linux 6.15+): without it every idle loop of a mount, whose FUSE
   * commands and polls are always in flight, showed as one blocked process in vmstat and as iowait
   * in top. {@code procs_blocked} in /proc/stat is the kernel's count of such threads: with
   * {@value #WAITERS} of ours asleep on their rings it stays at or above {@value #WAITERS} without
   * the flag.
   */
  @Test
  void aThreadWaitingOnItsRingWithWorkInFlightIsNotCountedAsWaitingForIo() throws Exception {
    try (Ring probe = Ring.create(RingOptions.defaults().withEntries(4))) {
      Assumptions.assumeTrue((probe.features() & IORING_FEAT_NO_IOWAIT) != 0,
          "the kernel has no IORING_FEAT_NO_IOWAIT (Linux 6.15+)");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fds = arena.allocate(JAVA_INT, 2);
      assertEquals(0, LibC.pipe2(fds, 0));
      int readFd = fds.getAtIndex(JAVA_INT, 0);
      int writeFd = fds.getAtIndex(JAVA_INT, 1);
      List<Thread> waiters = new ArrayList<>();
      try {
        for (int i = 0; i < WAITERS; i++) {
          waiters.add(Thread.ofPlatform().name("iowait-probe-" + i).start(() -> {
            try (Ring ring = Ring.create(RingOptions.defaults().withEntries(4))) {
              MemorySegment sqe = ring.nextSqe();
              PollAdd.of(readFd, PollAdd.POLLIN).prep(sqe);
              Sqe.userData(sqe, 1);
              ring.enterWithTimeout(1, TimeUnit.SECONDS.toNanos(20));
            }
          }));
        }
        // Every waiter asleep ('S') in its io_uring_enter.
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> sleepingWaiters() == WAITERS);
        // Sampled every 20 ms for up to 400 ms (20 samples): once below WAITERS is enough, since
        // without the flag our sleeping waiters alone keep it at WAITERS or more.
        Awaitility.await("procs_blocked below " + WAITERS).atMost(Duration.ofMillis(400))
            .pollInterval(Duration.ofMillis(20)).until(() -> procsBlocked() < WAITERS);
        assertEquals(WAITERS, sleepingWaiters(), "the waiters were still asleep on their rings while sampled");
      } finally {
        assertEquals(1, LibC.write(writeFd, arena.allocate(1), 1));
        for (Thread t : waiters) {
          t.join(TimeUnit.SECONDS.toMillis(10));
        }
        LibC.close(readFd);
        LibC.close(writeFd);
      }
      for (Thread t : waiters) {
        assertFalse(t.isAlive(), t.getName() + " woke when the pipe became readable");
      }
    }
  }

  private static final int WAITERS = 8;

  private static int sleepingWaiters() throws IOException {
    int n = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int close = stat.lastIndexOf(')');
          String comm = stat.substring(stat.indexOf('(') + 1, close);
          if (comm.startsWith("iowait-probe-") && stat.charAt(close + 2) == 'S') {
            n++;
          }
        } catch (NoSuchFileException gone) {
          // a thread that ended meanwhile
        }
      }
    }
    return n;
  }

  private static int procsBlocked() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
      if (line.startsWith("procs_blocked ")) {
        return Integer.parseInt(line.substring("procs_blocked ".length()).trim());
      }
    }
    throw new IllegalStateException("no procs_blocked in /proc/stat");
  }

  /** Fills NOPs by hand, as the event loop's builders would. */
  static final class MemorySegmentHolder {
    static void prep(java.lang.foreign.MemorySegment sqe, long userData) {
      Nop.create().prep(sqe);
      Sqe.userData(sqe, userData);
    }
  }
}
