package org.uringfuse.export.passthrough;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.testkit.MountFixture.run;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.testkit.MountFixture;

/**
 * The passthrough export against a real backing directory on both transports: POSIX behaviour
 * compared with the backing directory itself, data in both directions, caller ownership and kernel
 * permission checks, confinement, fio verify, a concurrent workload and no leaked fds.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PassthroughIT {

  record Mounted(MountFixture fixture, Path source, PassthroughFs fs) implements AutoCloseable {
    Path mnt() {
      return fixture.mnt;
    }

    @Override
    public void close() throws IOException {
      fixture.close();
      assertEquals(0, fs.openHandles(), "handles left open");
      assertEquals(0, fs.liveInodes(), "inode fds left open after unmount");
      deleteTree(source.getParent());
    }
  }

  static Mounted mount(TransportKind t, MountOptions o) throws IOException {
    Path base = Files.createTempDirectory("uringfuse-pt");
    Path src = Files.createDirectory(base.resolve("src"));
    PassthroughFs fs = PassthroughFs.open(src, PassthroughOptions.defaults());
    return new Mounted(MountFixture.mount(fs, t, o), src, fs);
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  /** A POSIX check sequence; each step's outcome (a value or an errno) goes into the list. */
  static List<String> posixChecks(Path root) throws Exception {
    List<String> out = new ArrayList<>();
    try (Arena a = Arena.ofConfined()) {
      Path f = root.resolve("file");
      Files.writeString(f, "0123456789");
      out.add("size " + Files.size(f));
      Files.writeString(f, "ab", StandardOpenOption.APPEND);
      out.add("append " + Files.readString(f));
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.truncate(5);
        ch.write(ByteBuffer.wrap("X".getBytes(UTF_8)), 8);
      }
      out.add("sparse " + Files.readString(f).replace('\0', '_'));
      out.add(step(() -> LibC.mkdirat(LibC.AT_FDCWD, a.allocateFrom(root.resolve("d").toString()), 0755)));
      Files.writeString(root.resolve("d/inner"), "i");
      out.add("rmdir nonempty " + step(() -> LibC.unlinkat(LibC.AT_FDCWD, a.allocateFrom(root.resolve("d").toString()), 0x200)));
      out.add("rmdir file " + step(() -> LibC.unlinkat(LibC.AT_FDCWD, a.allocateFrom(f.toString()), 0x200)));
      out.add("unlink missing " + step(() -> LibC.unlinkat(LibC.AT_FDCWD, a.allocateFrom(root.resolve("nope").toString()), 0)));
      out.add("unlink dir " + step(() -> LibC.unlinkat(LibC.AT_FDCWD, a.allocateFrom(root.resolve("d").toString()), 0)));
      out.add("noreplace " + step(() -> LibC.renameat2(LibC.AT_FDCWD, a.allocateFrom(f.toString()), LibC.AT_FDCWD,
          a.allocateFrom(root.resolve("d/inner").toString()), 1)));
      out.add("exchange " + step(() -> LibC.renameat2(LibC.AT_FDCWD, a.allocateFrom(f.toString()), LibC.AT_FDCWD,
          a.allocateFrom(root.resolve("d/inner").toString()), 2)));
      out.add("after exchange " + Files.readString(f));
      out.add("rename over " + step(() -> LibC.renameat2(LibC.AT_FDCWD, a.allocateFrom(root.resolve("d/inner").toString()),
          LibC.AT_FDCWD, a.allocateFrom(f.toString()), 0)));
      out.add("rename dir into itself " + step(() -> LibC.renameat2(LibC.AT_FDCWD, a.allocateFrom(root.resolve("d").toString()),
          LibC.AT_FDCWD, a.allocateFrom(root.resolve("d/sub").toString()), 0)));
      Files.createLink(root.resolve("hard"), f);
      out.add("nlink " + Files.getAttribute(f, "unix:nlink") + " same ino "
          + Files.getAttribute(f, "unix:ino").equals(Files.getAttribute(root.resolve("hard"), "unix:ino")));
      Files.createSymbolicLink(root.resolve("sym"), Path.of("file"));
      out.add("readlink " + Files.readSymbolicLink(root.resolve("sym")) + " via " + Files.readString(root.resolve("sym")));
      out.add("symlink exists " + step(() -> LibC.symlinkat(a.allocateFrom("x"), LibC.AT_FDCWD, a.allocateFrom(root.resolve("sym").toString()))));
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
      out.add("mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
      Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_123L));
      out.add("mtime " + Files.getLastModifiedTime(f).toMillis());
      UserDefinedFileAttributeView x = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
      x.write("k", ByteBuffer.wrap("v".getBytes(UTF_8)));
      out.add("xattrs " + x.list());
      x.delete("k");
      out.add("xattrs after delete " + x.list());
      run("mkfifo", root.resolve("fifo").toString());
      out.add("fifo " + Files.isRegularFile(root.resolve("fifo")) + " " + Files.isDirectory(root.resolve("fifo")));
      out.add("excl " + step(() -> {
        try {
          Files.newByteChannel(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
          return 0;
        } catch (java.nio.file.FileAlreadyExistsException e) {
          return -Errno.EEXIST;
        }
      }));
      try (Stream<Path> s = Files.list(root)) {
        out.add("listing " + s.map(p -> p.getFileName().toString()).sorted().toList());
      }
      Files.delete(root.resolve("hard"));
      out.add("nlink after unlink " + Files.getAttribute(f, "unix:nlink"));
    }
    return out;
  }

  interface IntStep {
    int run() throws Exception;
  }

  static String step(IntStep s) throws Exception {
    int r = s.run();
    return r >= 0 ? "ok" : Errno.name(r);
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void posixChecksGiveTheSameResultsAsTheBackingDirectory(TransportKind t) throws Exception {
    Path plain = Files.createTempDirectory("uringfuse-plain");
    try (Mounted m = mount(t, MountOptions.defaults())) {
      List<String> expected = posixChecks(plain);
      List<String> actual = posixChecks(m.mnt());
      assertEquals(expected, actual);
      assertTrue(m.fixture().server.stats().requests(t == TransportKind.URING ? "uring" : "classic") > 0);
    } finally {
      deleteTree(plain);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void dataFlowsBothWays(TransportKind t) throws Exception {
    try (Mounted m = mount(t, MountOptions.defaults())) {
      byte[] data = new byte[5 * 1024 * 1024 + 123];
      new Random(3).nextBytes(data);
      Files.write(m.mnt().resolve("through-mount"), data);
      assertArrayEquals(data, Files.readAllBytes(m.source().resolve("through-mount")));
      Files.writeString(m.source().resolve("behind"), "written behind the mount's back");
      assertEquals("written behind the mount's back", Files.readString(m.mnt().resolve("behind")));
      Files.writeString(m.source().resolve("behind"), "changed");
      assertEquals("changed", Files.readString(m.mnt().resolve("behind")), "timeouts 0: no stale cache");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void callerOwnsWhatItCreatesAndCannotReadOthersPrivateFiles(TransportKind t) throws Exception {
    MountOptions o = MountOptions.defaults().withAllowOther(true).withDefaultPermissions(true);
    try (Mounted m = mount(t, o)) {
      // let other users reach the mountpoint: temp directories are private by default
      Files.setPosixFilePermissions(m.fixture().dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path pub = m.mnt().resolve("pub");
      Files.createDirectory(pub);
      Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rwxrwxrwx"));
      Files.setPosixFilePermissions(m.source(), PosixFilePermissions.fromString("rwxr-xr-x"));
      run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c",
          "echo mine > " + pub.resolve("nobody.txt") + " && mkdir " + pub.resolve("nobody.dir"));
      assertEquals(65534, Files.getAttribute(m.source().resolve("pub/nobody.txt"), "unix:uid"));
      assertEquals(65534, Files.getAttribute(m.source().resolve("pub/nobody.txt"), "unix:gid"));
      assertEquals(65534, Files.getAttribute(m.source().resolve("pub/nobody.dir"), "unix:uid"));
      Path secret = m.mnt().resolve("secret");
      Files.writeString(secret, "root only");
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
      MountFixture.Finished f = MountFixture.runBounded(Duration.ofSeconds(30), "setpriv", "--reuid=65534",
          "--regid=65534", "--clear-groups", "cat", secret.toString());
      String out = f.output();
      assertEquals(1, f.exitCode(), out);
      assertTrue(out.contains("Permission denied"), out);
      assertFalse(out.contains("root only"));
    }
  }

  /**
   * The server never follows a symlink: "d" is swapped with a symlink to "../outside", which exists
   * next to the backing directory but not next to the mountpoint. A client following the symlink
   * finds nothing; only a server that followed it could write there.
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void symlinkSwappedForADirectoryNeverLetsWritesOut(TransportKind t) throws Exception {
    try (Mounted m = mount(t, MountOptions.defaults())) {
      Path outside = Files.createDirectory(m.source().getParent().resolve("outside"));
      assertFalse(Files.exists(m.fixture().dir.resolve("outside")));
      Files.createDirectory(m.source().resolve("d"));
      Files.createSymbolicLink(m.source().resolve("dlink"), Path.of("../outside"));
      AtomicBoolean stop = new AtomicBoolean();
      Thread swapper = Thread.ofPlatform().start(() -> {
        try (Arena a = Arena.ofConfined()) {
          var d = a.allocateFrom(m.source().resolve("d").toString());
          var l = a.allocateFrom(m.source().resolve("dlink").toString());
          while (!stop.get()) {
            LibC.renameat2(LibC.AT_FDCWD, d, LibC.AT_FDCWD, l, 2);   // RENAME_EXCHANGE
          }
        }
      });
      try {
        for (int i = 0; i < 2000; i++) {
          try {
            Files.writeString(m.mnt().resolve("d/f" + i), "x");
          } catch (IOException expected) {
            // ENOTDIR / ENOENT while "d" is the symlink: fine, as long as nothing lands outside
          }
        }
      } finally {
        stop.set(true);
        swapper.join(10_000);
      }
      try (Stream<Path> s = Files.list(outside)) {
        assertEquals(List.of(), s.toList(), "a write escaped the export");
      }
      try (Stream<Path> s = Files.walk(m.source())) {
        assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("f")), "no write got through at all");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void fioVerifyDirectAndBuffered(TransportKind t) throws Exception {
    try (Mounted m = mount(t, MountOptions.defaults())) {
      for (String direct : new String[] {"1", "0"}) {
        String out = run("fio", "--name=verify", "--directory=" + m.mnt(), "--rw=randwrite", "--bs=4k",
            "--size=16m", "--ioengine=io_uring", "--iodepth=8", "--direct=" + direct, "--verify=crc32c",
            "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0", "--output-format=terse");
        assertFalse(out.contains("verify:"), out);
      }
    }
  }

  /**
   * A tmpfs backing directory: shmem files lack FMODE_NOWAIT, so io_uring would send every backing
   * read and write to an io-wq worker thread; the passthrough reads and writes them with
   * pread/pwrite on the loop instead. fio verify passes, and no io-wq worker serves a loop.
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void tmpfsBackingIsServedWithoutIoWqWorkers(TransportKind t) throws Exception {
    Path base = Files.createTempDirectory("uringfuse-pt-tmpfs");
    Path src = Files.createDirectory(base.resolve("src"));
    run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", src.toString());
    try {
      PassthroughFs fs = PassthroughFs.open(src, PassthroughOptions.defaults());
      try (MountFixture f = MountFixture.mount(fs, t, MountOptions.defaults())) {
        for (String direct : new String[] {"1", "0"}) {
          // no fallocate: io_uring always runs FALLOCATE on an io-wq worker, rightly
          String out = run("fio", "--name=verify", "--directory=" + f.mnt, "--rw=randwrite", "--bs=4k",
              "--size=8m", "--ioengine=psync", "--fallocate=none", "--direct=" + direct, "--verify=crc32c", "--do_verify=1",
              "--verify_fatal=1", "--verify_state_save=0", "--output-format=terse");
          assertFalse(out.contains("verify:"), out);
        }
        assertEquals(List.of(), ioWqWorkersOfLoops(), "io-wq workers serving the loops");
      }
    } finally {
      MountFixture.runBounded(Duration.ofSeconds(30), "umount", src.toString());
      deleteTree(base);
    }
  }

  /**
   * An ext4 backing directory (a loop-mounted image): ext4 lacks FOP_BUFFER_WASYNC, so io_uring would
   * hand every buffered backing write to an io-wq worker (two context switches each); the
   * passthrough makes them pwrites on the loop. 2,000 buffered 4 KiB writes through the mount cost
   * the loops' io-wq workers a handful of context switches (the open), not thousands.
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void ext4BufferedWritesAreServedWithoutIoWqWorkers(TransportKind t) throws Exception {
    Path base = Files.createTempDirectory("uringfuse-pt-ext4");
    Path image = base.resolve("ext4.img");
    Path src = Files.createDirectory(base.resolve("src"));
    run("truncate", "-s", "64m", image.toString());
    run("mkfs.ext4", "-q", "-F", image.toString());
    run("mount", "-o", "loop", image.toString(), src.toString());
    try {
      PassthroughFs fs = PassthroughFs.open(src, PassthroughOptions.defaults());
      try (MountFixture f = MountFixture.mount(fs, t, MountOptions.defaults())) {
        long before = ioWqSwitchesOfLoops();
        run("dd", "if=/dev/urandom", "of=" + f.mnt.resolve("f"), "bs=4k", "count=2000", "status=none");
        long switches = ioWqSwitchesOfLoops() - before;
        assertTrue(switches < 200, switches + " io-wq context switches for 2,000 buffered writes");
        assertEquals(-1L, Files.mismatch(f.mnt.resolve("f"), src.resolve("f")));
        assertEquals(2000 * 4096L, Files.size(src.resolve("f")));
      }
    } finally {
      MountFixture.runBounded(Duration.ofSeconds(30), "umount", src.toString());
      deleteTree(base);
    }
  }

  /** Context switches so far of the io-wq workers of this process's uringfuse loop threads. */
  static long ioWqSwitchesOfLoops() throws IOException {
    long total = 0;
    for (String tid : ioWqWorkerTasksOfLoops().keySet()) {
      total += switchesOf(tid);
    }
    return total;
  }

  private static long switchesOf(String tid) {
    try {
      return Files.readAllLines(Path.of("/proc/self/task", tid, "status")).stream()
          .filter(l -> l.contains("ctxt_switches:"))
          .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim()))
          .sum();
    } catch (IOException e) {
      return 0;   // the worker exited (idle workers do)
    }
  }

  /** io-wq worker threads ({@code iou-wrk-<tid>}) of this process's uringfuse loop threads. */
  static List<String> ioWqWorkersOfLoops() throws IOException {
    return List.copyOf(ioWqWorkerTasksOfLoops().values());
  }

  /** Those workers' thread ids (keys) and names. */
  private static Map<String, String> ioWqWorkerTasksOfLoops() throws IOException {
    List<String> loops = new ArrayList<>();
    Map<String, String> workers = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        String comm;
        try {
          comm = Files.readString(task.resolve("comm")).trim();
        } catch (IOException e) {
          continue;   // the thread ended meanwhile
        }
        if (comm.startsWith("uringfuse-loop")) {
          loops.add(task.getFileName().toString());
        } else if (comm.startsWith("iou-wrk-")) {
          workers.put(task.getFileName().toString(), comm);
        }
      }
    }
    workers.values().removeIf(w -> !loops.contains(w.substring("iou-wrk-".length())));
    return workers;
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void fourThreadMixedWorkload(TransportKind t) throws Exception {
    try (Mounted m = mount(t, MountOptions.defaults())) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> jobs = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          int id = w;
          jobs.add(pool.submit(() -> {
            Path dir = Files.createDirectories(m.mnt().resolve("w" + id));
            Random r = new Random(id);
            for (int i = 0; i < 200; i++) {
              byte[] b = new byte[r.nextInt(64 * 1024)];
              r.nextBytes(b);
              Path f = dir.resolve("f" + (i % 20));
              Files.write(f, b);
              assertArrayEquals(b, Files.readAllBytes(f));
              if (i % 7 == 0) {
                Files.move(f, dir.resolve("moved" + i));
              }
              if (i % 11 == 0) {
                try (Stream<Path> s = Files.list(dir)) {
                  assertTrue(s.count() > 0);
                }
              }
            }
            return null;
          }));
        }
        for (Future<?> j : jobs) {
          j.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      try (Stream<Path> s = Files.walk(m.source())) {
        assertTrue(s.filter(Files::isRegularFile).count() >= 80);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void noFdIsLeftOpenAfterUnmount(TransportKind t) throws Exception {
    long before = openFds();
    try (Mounted m = mount(t, MountOptions.defaults())) {
      for (int i = 0; i < 50; i++) {
        Files.createDirectories(m.mnt().resolve("a/b" + i));
        Files.writeString(m.mnt().resolve("a/b" + i + "/f"), "x");
      }
      try (Stream<Path> s = Files.walk(m.mnt())) {
        assertEquals(101, s.count() - 1);
      }
      assertTrue(m.fs().liveInodes() > 0);
    }
    assertEquals(before, openFds());
  }

  static long openFds() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }
}
