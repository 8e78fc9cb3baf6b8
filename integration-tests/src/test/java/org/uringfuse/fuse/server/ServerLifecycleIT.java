package org.uringfuse.fuse.server;

import org.uringfuse.testkit.MountFixture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.examples.MemoryFs;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.fuse.transport.UringQueues;
import org.uringfuse.ring.Errno;

/**
 * Teardown on both transports: external unmount, SIGTERM and SIGKILL under load, unmount while a
 * writer loops, mount/unmount cycles without leaks, and per-CPU queues all carrying traffic.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ServerLifecycleIT {

  @org.junit.jupiter.api.io.TempDir
  Path temp;

  /** A fresh mountpoint under this test's temporary directory (removed with it). */
  Path tempMountpoint() throws IOException {
    return Files.createDirectories(temp.resolve("mnt"));
  }

  static Process startLoad(Path file) throws IOException {
    // A writer that rewrites the same 4 MiB while the mount is there, and stops when it is gone.
    String mnt = file.getParent().toString();
    return new ProcessBuilder("sh", "-c", "while mountpoint -q " + mnt + " && dd if=/dev/zero of=" + file
        + " bs=64k count=64 conv=notrunc status=none; do :; done").redirectErrorStream(true).start();
  }

  /** Waits (bounded) until no process is in uninterruptible sleep: transient kernel workers may pass through D. */
  static void awaitNoDStateProcesses() {
    await().atMost(Duration.ofSeconds(15)).until(() -> dStateProcesses().isEmpty());
  }

  static int dmesgLines() throws Exception {
    return MountFixture.run("dmesg").split("\n").length;
  }

  static String dmesgSince(int lines) throws Exception {
    String[] all = MountFixture.run("dmesg").split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = lines; i < all.length; i++) {
      String l = all[i].toLowerCase();
      if (l.contains("fuse") || l.contains("io_uring") || l.contains("hung task")) {
        sb.append(all[i]).append('\n');
      }
    }
    return sb.toString();
  }

  /** Processes in uninterruptible sleep (D state) whose command line mentions the path. */
  static List<String> dStateProcesses() throws IOException {
    List<String> d = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
          if (state.equals("D")) {
            d.add(stat.substring(0, Math.min(80, stat.length())));
          }
        } catch (IOException e) {
          // exited meanwhile
        }
      }
    }
    return d;
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void externalUnmountEndsTheServerWithStatusZero(TransportKind t) throws Exception {
    MountFixture.requireTransport(t);
    Path mnt = tempMountpoint();
    try (ServerProcess server = ServerProcess.start(mnt, t.name())) {
      assertEquals(t == TransportKind.URING ? "uring" : "classic", server.transport());
      Files.writeString(mnt.resolve("f"), "x");
      MountFixture.run("fusermount3", "-u", mnt.toString());
      assertTrue(server.process.waitFor(10, TimeUnit.SECONDS), "server did not exit after unmount");
      assertEquals(0, server.process.exitValue(), server.output.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void sigtermUnderLoadExitsWithinTwoSeconds(TransportKind t) throws Exception {
    MountFixture.requireTransport(t);
    Path mnt = tempMountpoint();
    int dmesgBefore = dmesgLines();
    try (ServerProcess server = ServerProcess.start(mnt, t.name())) {
      Process load = startLoad(mnt.resolve("busy"));
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(mnt.resolve("busy"))
            && Files.size(mnt.resolve("busy")) >= 4 << 20);
        long t0 = System.nanoTime();
        server.process.destroy();   // SIGTERM
        assertTrue(server.process.waitFor(2, TimeUnit.SECONDS), "server still running 2 s after SIGTERM: "
            + server.output);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
        assertEquals(0, server.process.exitValue(), server.output.toString());
        assertTrue(load.waitFor(10, TimeUnit.SECONDS), "the writer did not notice the unmount");
      } finally {
        load.destroyForcibly();
      }
      awaitNoDStateProcesses();
      assertFalse(FuseMount.mountInfo(mnt.toRealPath()).isPresent(), "still mounted");
      assertEquals("", dmesgSince(dmesgBefore));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void sigkillUnderLoadThenRemount(TransportKind t) throws Exception {
    MountFixture.requireTransport(t);
    Path mnt = tempMountpoint();
    try (ServerProcess server = ServerProcess.start(mnt, t.name())) {
      Process load = startLoad(mnt.resolve("busy"));
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(mnt.resolve("busy"))
            && Files.size(mnt.resolve("busy")) >= 1 << 20);
        server.process.destroyForcibly();   // SIGKILL
        assertTrue(server.process.waitFor(10, TimeUnit.SECONDS));
        assertTrue(load.waitFor(10, TimeUnit.SECONDS), "the writer hangs after the server died");
      } finally {
        load.destroyForcibly();
      }
      IOException e = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("busy")));
      assertTrue(String.valueOf(e.getMessage()).contains("not connected")
          || e instanceof java.nio.file.FileSystemException, e.toString());
      awaitNoDStateProcesses();
    }
    MountFixture.run("umount", mnt.toString());
    try (ServerProcess again = ServerProcess.start(mnt, t.name())) {
      Files.writeString(mnt.resolve("after"), "remounted");
      assertEquals("remounted", Files.readString(mnt.resolve("after")));
      again.process.destroy();
      assertTrue(again.process.waitFor(5, TimeUnit.SECONDS));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void closeWhileAWriterLoopsIsBoundedAndClean(TransportKind t) throws Exception {
    try (MountFixture m = MountFixture.mount(new MemoryFs(), t)) {
      AtomicReference<Throwable> writerEnd = new AtomicReference<>();
      Thread writer = Thread.ofPlatform().start(() -> {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(m.mnt.resolve("loop"))) {
          while (true) {
            out.write(block);
          }
        } catch (Throwable e) {
          writerEnd.set(e);
        }
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(m.mnt.resolve("loop")) > 1 << 20);
      long t0 = System.nanoTime();
      m.server.close();
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "close took too long");
      writer.join(10_000);
      assertFalse(writer.isAlive(), "writer still blocked after close");
      assertTrue(writerEnd.get() instanceof IOException, String.valueOf(writerEnd.get()));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void hundredMountCyclesLeakNoFdsOrThreads(TransportKind t) throws Exception {
    MountFixture.requireTransport(t);
    Path mnt = tempMountpoint();
    // warm up once so that lazily started JVM threads are not counted as leaks
    try (FuseServer s = FuseServer.start(new MemoryFs(), mnt, MountOptions.defaults().withTransport(t))) {
      Files.writeString(mnt.resolve("w"), "w");
    }
    Map<String, Integer> fdsBefore = MountFixture.kernelFds();
    long threadsBefore = serverThreads();
    for (int i = 0; i < 100; i++) {
      FuseServer s = FuseServer.start(new MemoryFs(), mnt, MountOptions.defaults().withTransport(t));
      try (s) {
        Files.writeString(mnt.resolve("f" + i), "cycle " + i);
        assertEquals("cycle " + i, Files.readString(mnt.resolve("f" + i)));
      }
      assertEquals(0, s.unansweredRequests());
      assertTrue(s.isTerminated());
    }
    assertEquals(fdsBefore, MountFixture.kernelFds());
    await().atMost(Duration.ofSeconds(10)).until(() -> serverThreads() == threadsBefore);
    assertEquals(0, threadsBefore);
  }

  /** Live threads the server starts (event loops and their helpers). */
  static long serverThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(th -> th.isAlive() && th.getName().startsWith("uringfuse-")).count();
  }

  @Test
  void everyPerCpuQueueCarriesTrafficAndAsyncCancelLeavesFuseCommandsAlone() throws Exception {
    try (MountFixture m = MountFixture.mount(new MemoryFs(), TransportKind.URING)) {
      UringQueues q = m.server.uringQueues().orElseThrow();
      assertEquals(UringQueues.possibleCpus(), q.queueCount());
      List<Process> pinned = new ArrayList<>();
      for (int cpu = 0; cpu < q.queueCount(); cpu++) {
        Path f = m.mnt.resolve("cpu" + cpu);
        pinned.add(new ProcessBuilder("taskset", "-c", String.valueOf(cpu), "sh", "-c",
            "dd if=/dev/zero of=" + f + " bs=4k count=256 status=none && dd if=" + f
                + " of=/dev/null bs=4k status=none").start());
      }
      for (Process p : pinned) {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
      }
      long[] perQueue = q.requestsPerQueue();
      for (int cpu = 0; cpu < perQueue.length; cpu++) {
        assertTrue(perQueue[cpu] > 0, "queue " + cpu + " got no requests: " + java.util.Arrays.toString(perQueue));
      }
      // The brief says ASYNC_CANCEL cannot cancel FUSE uring_cmds: check this kernel.
      List<Integer> answers = q.cancelOnePerQueue().get(10, TimeUnit.SECONDS);
      for (int a : answers) {
        assertEquals(-Errno.ENOENT, a, "ASYNC_CANCEL of a FUSE command answered " + Errno.describe(a));
      }
      Files.writeString(m.mnt.resolve("still-works"), "yes");
      assertEquals("yes", Files.readString(m.mnt.resolve("still-works")));
      assertEquals(q.queueCount() * q.depth(), q.liveEntries());
    }
  }
}
