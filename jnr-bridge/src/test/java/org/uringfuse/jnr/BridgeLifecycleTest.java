package org.uringfuse.jnr;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.Pointer;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.server.FuseMount;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;
import org.uringfuse.testkit.ServerThreads;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * The bridge's threading and lifetime: callbacks run on its workers (never on an event loop), a
 * callback that blocks holds up nothing else, {@code getContext()} names the calling process, init
 * runs once before requests and destroy once after, and however the mount ends no worker is left.
 */
class BridgeLifecycleTest {
  private Path dir;
  private Path mnt;

  /** Two files; reading /slow blocks until the test lets it go. Records who called. */
  static final class ProbeFs extends FuseStubFS {
    final CountDownLatch releaseSlow = new CountDownLatch(1);
    final AtomicInteger slowReads = new AtomicInteger();
    final AtomicInteger inits = new AtomicInteger();
    final AtomicInteger destroys = new AtomicInteger();
    final Queue<String> threads = new ConcurrentLinkedQueue<>();
    final Map<Long, Long> callerPidToUid = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Pointer init(Pointer conn) {
      inits.incrementAndGet();
      return null;
    }

    @Override
    public void destroy(Pointer initResult) {
      destroys.incrementAndGet();
    }

    @Override
    public int getattr(String path, FileStat stat) {
      threads.add(Thread.currentThread().getName());
      callerPidToUid.put(getContext().pid.longValue(), getContext().uid.longValue());
      if (path.equals("/")) {
        stat.st_mode.set(FileStat.S_IFDIR | 0755);
        stat.st_nlink.set(2);
        return 0;
      }
      if (path.equals("/fast") || path.startsWith("/slow") || path.startsWith("/who-")) {
        stat.st_mode.set(FileStat.S_IFREG | 0444);
        stat.st_nlink.set(1);
        stat.st_size.set(4);
        return 0;
      }
      return -ErrorCodes.ENOENT();
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
      threads.add(Thread.currentThread().getName());
      filler.apply(buf, "fast", null, 0);
      filler.apply(buf, "slow", null, 0);
      return 0;
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
      threads.add(Thread.currentThread().getName());
      if (path.startsWith("/slow")) {
        slowReads.incrementAndGet();
        try {
          if (!releaseSlow.await(30, TimeUnit.SECONDS)) {
            return -ErrorCodes.ETIMEDOUT();
          }
        } catch (InterruptedException e) {
          return -ErrorCodes.EINTR();
        }
      }
      byte[] data = path.substring(1, 5).getBytes(StandardCharsets.UTF_8);
      if (offset >= data.length) {
        return 0;
      }
      int n = (int) Math.min(size, data.length - offset);
      buf.put(0, data, (int) offset, n);
      return n;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("uringfuse-jnr-life");
    mnt = Files.createDirectory(dir.resolve("mnt"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (FuseMount.isMountPoint(mnt)) {
      MountFixture.runBounded(Duration.ofSeconds(10), "umount", "-l", mnt.toString());
    }
    Files.deleteIfExists(mnt);
    Files.deleteIfExists(dir);
  }

  private JnrMount mount(ProbeFs fs, TransportKind transport) {
    MountFixture.requireTransport(transport);
    JnrMount m = UringFuse.mount(fs, mnt, BridgeOptions.defaults().withWorkers(4)
        .withFuseArgs("-o", "transport=" + transport.name().toLowerCase()));
    assertEquals(transport.name().toLowerCase(), m.transport());
    return m;
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"URING", "CLASSIC"})
  void callbacksRunOnWorkersAndABlockedOneHoldsUpNothingElse(TransportKind transport) throws Exception {
    ProbeFs fs = new ProbeFs();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (JnrMount m = mount(fs, transport)) {
      assertEquals(1, fs.inits.get(), "init ran once, before the mount went live");
      Future<String> slow = reader.submit(() -> Files.readString(mnt.resolve("slow")));
      await().atMost(Duration.ofSeconds(10)).until(() -> fs.slowReads.get() == 1);
      // While one callback is stuck, the mount still answers.
      assertEquals("fast", Files.readString(mnt.resolve("fast")));
      try (var s = Files.list(mnt)) {
        assertEquals(List.of("fast", "slow"), s.map(p -> p.getFileName().toString()).sorted().toList());
      }
      assertFalse(slow.isDone(), "the slow read is still blocked in its callback");
      fs.releaseSlow.countDown();
      assertEquals("slow", slow.get(10, TimeUnit.SECONDS));

      // getContext() during a callback names the process that asked.
      Process stat = new ProcessBuilder("stat", "-c", "%s", mnt.resolve("who-1").toString())
          .redirectErrorStream(true).start();
      assertTrue(stat.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, stat.exitValue());
      assertEquals(0L, fs.callerPidToUid.get(stat.pid()), "getContext() gave the stat process and its uid: "
          + fs.callerPidToUid);

      assertFalse(fs.threads.isEmpty());
      for (String t : fs.threads) {
        assertTrue(t.startsWith(WorkerPool.THREAD_PREFIX), "callback ran on " + t);
      }
    } finally {
      fs.releaseSlow.countDown();
      reader.shutdownNow();
    }
    assertEquals(1, fs.destroys.get(), "destroy ran once");
    ServerThreads.assertNoneLeft(WorkerPool.THREAD_PREFIX);
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"URING", "CLASSIC"})
  void morePoolThreadsStartWhileCallbacksAreBlocked(TransportKind transport) throws Exception {
    MountFixture.requireTransport(transport);
    ProbeFs fs = new ProbeFs();
    int blocked = 24;   // more than the 16 core workers
    ExecutorService readers = Executors.newFixedThreadPool(blocked);
    try (JnrMount m = UringFuse.mount(fs, mnt, false, false, "-o", "transport=" + transport.name().toLowerCase())) {
      List<Future<String>> reads = new java.util.ArrayList<>();
      for (int i = 0; i < blocked; i++) {
        Path p = mnt.resolve("slow-" + i);
        reads.add(readers.submit(() -> Files.readString(p)));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> fs.slowReads.get() == blocked);
      assertTrue(ServerThreads.named(WorkerPool.THREAD_PREFIX).size() >= blocked, "the pool grew past its 16 core threads: " + ServerThreads.named(WorkerPool.THREAD_PREFIX).size());
      assertEquals("fast", Files.readString(mnt.resolve("fast")), "one more request is still served");
      fs.releaseSlow.countDown();
      for (Future<String> r : reads) {
        assertEquals("slow", r.get(10, TimeUnit.SECONDS));
      }
    } finally {
      fs.releaseSlow.countDown();
      readers.shutdownNow();
    }
    ServerThreads.assertNoneLeft(WorkerPool.THREAD_PREFIX);
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"URING", "CLASSIC"})
  void anExternalUnmountEndsTheMountAndItsWorkers(TransportKind transport) throws Exception {
    ProbeFs fs = new ProbeFs();
    JnrMount m = mount(fs, transport);
    assertEquals("fast", Files.readString(mnt.resolve("fast")));
    MountFixture.run("umount", mnt.toString());
    assertTrue(m.awaitUnmount(Duration.ofSeconds(10)), "the bridge noticed the unmount");
    assertFalse(m.isMounted());
    assertEquals(1, fs.destroys.get());
    ServerThreads.assertNoneLeft(WorkerPool.THREAD_PREFIX);
    assertEquals(0, m.server().unansweredRequests());
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"URING", "CLASSIC"})
  void unmountWaitsForACallbackStillWritingIntoItsReplyBuffer(TransportKind transport) throws Exception {
    ProbeFs fs = new ProbeFs();
    JnrMount m = mount(fs, transport);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<String> slow = threads.submit(() -> Files.readString(mnt.resolve("slow")));
      await().atMost(Duration.ofSeconds(10)).until(() -> fs.slowReads.get() == 1);
      Future<?> unmount = threads.submit(m::umount);
      // The caller's read ends (the connection is aborted) while the callback still holds a pointer
      // into the reply buffer; the server must not free that buffer under it.
      await().atMost(Duration.ofSeconds(15)).until(slow::isDone);
      assertFalse(unmount.isDone(), "close waits for the callback's answer");
      fs.releaseSlow.countDown();   // the callback now writes "slow" into its reply buffer
      unmount.get(20, TimeUnit.SECONDS);
      assertEquals(0, m.server().unansweredRequests());
      assertTrue(m.awaitUnmount(Duration.ofSeconds(10)));
      ServerThreads.assertNoneLeft(WorkerPool.THREAD_PREFIX);
    } finally {
      fs.releaseSlow.countDown();
      threads.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"URING", "CLASSIC"})
  void blockingMountReturnsWhenUnmounted(TransportKind transport) throws Exception {
    MountFixture.requireTransport(transport);
    ProbeFs fs = new ProbeFs();
    ExecutorService mounter = Executors.newSingleThreadExecutor();
    try {
      Future<JnrMount> blocking = mounter.submit(() -> UringFuse.mount(fs, mnt, true, false,
          "-o", "transport=" + transport.name().toLowerCase()));
      await().atMost(Duration.ofSeconds(10)).until(() -> FuseMount.isMountPoint(mnt));
      assertEquals("fast", Files.readString(mnt.resolve("fast")));
      assertFalse(blocking.isDone(), "a blocking mount serves until unmounted");
      fs.umount();
      JnrMount m = blocking.get(10, TimeUnit.SECONDS);
      assertFalse(m.isMounted());
      ServerThreads.assertNoneLeft(WorkerPool.THREAD_PREFIX);
    } finally {
      mounter.shutdownNow();
    }
  }
}
