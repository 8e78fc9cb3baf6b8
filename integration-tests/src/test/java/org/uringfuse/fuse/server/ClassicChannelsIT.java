package org.uringfuse.fuse.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.transport.DevFuseChannel;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;

/**
 * The classic transport's leader and followers ({@link DevFuseChannel#chain}), on a real mount with
 * two loops: a depth-1 client stays with the first channel, concurrent clients bring in the second,
 * and the end of the connection ends both, also the one that was not listening. Classic only: over
 * FUSE-over-io_uring each CPU has its own queue and loop, and no loops share a wait queue.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClassicChannelsIT {
  private static final MountOptions TWO_LOOPS = MountOptions.defaults().withThreads(2);

  /** Its root is a regular file whose attributes are never cached: every stat is a GETATTR. */
  static final class AttrFs implements Filesystem {
    /** The root's attributes: a regular file, answered with no validity (never cached). */
    static final Attr ROOT = new Attr(FuseKernel.FUSE_ROOT_ID, 0, 0, 0, 0, 0, 0, 0, 0, Attr.S_IFREG | 0644, 1, 0, 0, 0, 4096);

    /** While true, GETATTRs are held here unanswered until {@link #answerHeld()}. */
    volatile boolean hold;
    final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
      Attr attr = ROOT;
      if (hold) {
        held.add(() -> req.io().execute(() -> reply.ok(attr, 0)));
      } else {
        reply.ok(attr, 0);
      }
    }

    void answerHeld() {
      hold = false;
      for (Runnable r; (r = held.poll()) != null; ) {
        r.run();
      }
    }
  }

  /**
   * Like {@link AttrFs}, and records each GETATTR's {@code alone()}; holds the loop in the next one
   * after {@link #blockNext} is set, until the gate opens.
   */
  static final class GateFs implements Filesystem {
    final ConcurrentLinkedQueue<Boolean> alone = new ConcurrentLinkedQueue<>();
    final CountDownLatch gate = new CountDownLatch(1);
    volatile boolean blockNext;

    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
      alone.add(req.io().alone());
      if (blockNext) {
        blockNext = false;
        try {
          // holds the only loop: what comes meanwhile queues in the kernel
          gate.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      reply.ok(AttrFs.ROOT, 0);
    }
  }

  @Test
  void aDepthOneClientIsServedByTheFirstChannelAlone() throws Exception {
    try (MountFixture m = MountFixture.mount(new AttrFs(), TransportKind.CLASSIC, TWO_LOOPS, true)) {
      List<DevFuseChannel> channels = m.server.classicChannels();
      assertEquals(2, channels.size());
      long first0 = channels.get(0).requests();
      long second0 = channels.get(1).requests();
      for (int i = 0; i < 2000; i++) {
        Files.size(m.mnt);
      }
      long first = channels.get(0).requests() - first0;
      long second = channels.get(1).requests() - second0;
      assertTrue(first + second >= 2000, "every stat was a GETATTR: " + (first + second));
      // With every loop listening, the kernel's FIFO wait queue handed every other request to the second.
      assertTrue(second <= 50, "a depth-1 client reached the second channel " + second + " times of " + (first + second)
          + " (engaged " + channels.get(1).engagements() + " times)");
    }
  }

  @Test
  void concurrentRequestsBringInTheSecondChannel() throws Exception {
    AttrFs fs = new AttrFs();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try (MountFixture m = MountFixture.mount(fs, TransportKind.CLASSIC, TWO_LOOPS, true)) {
      DevFuseChannel second = m.server.classicChannels().get(1);
      long second0 = second.requests();
      fs.hold = true;
      List<Future<Long>> stats = new ArrayList<>();
      try {
        // One at a time, each held unanswered: from the second on, the first channel is busy.
        for (int i = 0; i < 8; i++) {
          stats.add(clients.submit(() -> Files.size(m.mnt)));
          int expected = i + 1;
          await().atMost(Duration.ofSeconds(10)).until(() -> fs.held.size() >= expected);
        }
      } finally {
        fs.answerHeld();
      }
      for (Future<Long> f : stats) {
        assertEquals(0L, f.get(10, TimeUnit.SECONDS));
      }
      assertTrue(second.engagements() >= 1, "the second channel was never engaged");
      assertTrue(second.requests() - second0 >= 1, "no held request reached the second channel");
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * A request with others queued behind it in the kernel is not alone
   * ({@link org.uringfuse.fuse.api.RequestIo#alone}), though the server has not read them yet: alone,
   * an O_DIRECT read of a disk file waits in pread on the loop while the requests behind it wait
   * too (a depth-8 client on ext4 ran at half its speed). Depth-1 requests stay alone.
   */
  @Test
  void requestsQueuedInTheKernelBehindAnotherAreNotAlone() throws Exception {
    GateFs fs = new GateFs();
    int queued = 24;
    ExecutorService clients = Executors.newFixedThreadPool(queued + 1);
    try (MountFixture m = MountFixture.mount(fs, TransportKind.CLASSIC, MountOptions.defaults().withThreads(1), true)) {
      for (int i = 0; i < 100; i++) {
        Files.size(m.mnt);
      }
      assertTrue(fs.alone.stream().allMatch(a -> a), "a depth-1 request was not alone: " + fs.alone);
      Path waiting = connectionDir(m.mnt).resolve("waiting");   // a stat: before the loop is held
      fs.alone.clear();
      fs.blockNext = true;
      List<Future<Long>> stats = new ArrayList<>();
      stats.add(clients.submit(() -> Files.size(m.mnt)));
      await().atMost(Duration.ofSeconds(10)).until(() -> fs.alone.size() == 1);
      for (int i = 0; i < queued; i++) {
        stats.add(clients.submit(() -> Files.size(m.mnt)));
      }
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.parseInt(Files.readString(waiting).trim()) >= queued + 1);
      } finally {
        fs.gate.countDown();
      }
      for (Future<Long> f : stats) {
        assertEquals(0L, f.get(10, TimeUnit.SECONDS));
      }
      List<Boolean> seen = List.copyOf(fs.alone);
      assertEquals(queued + 1, seen.size(), "one GETATTR per stat: " + seen);
      assertTrue(seen.get(0), "the first request, with nothing queued yet, was alone");
      // every one but the last had others behind it
      assertTrue(seen.stream().filter(a -> !a).count() >= queued - 1,
          "requests with others queued behind them counted as alone: " + seen);
    } finally {
      fs.gate.countDown();
      clients.shutdownNow();
    }
  }

  /** The mount's directory in fusectl ({@code /sys/fs/fuse/connections/<device minor>}). */
  private static Path connectionDir(Path mnt) throws java.io.IOException {
    long dev = (Long) Files.getAttribute(mnt, "unix:dev");
    long connection = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    return Path.of("/sys/fs/fuse/connections", Long.toString(connection));
  }

  @Test
  void anAbortedConnectionEndsEveryChannelAlsoOneThatWasNotListening() throws Exception {
    try (MountFixture m = MountFixture.mount(new AttrFs(), TransportKind.CLASSIC, TWO_LOOPS, true)) {
      for (int i = 0; i < 2000; i++) {
        Files.size(m.mnt);   // depth 1: the second channel stops listening
      }
      // fusectl's abort sends no request: only a channel that reads sees the end.
      Files.writeString(connectionDir(m.mnt).resolve("abort"), "1");
      await().atMost(Duration.ofSeconds(3)).until(m.server::isTerminated);
    }
  }
}
