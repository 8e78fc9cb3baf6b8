package org.uringfuse.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.testkit.MountFixture.run;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.export.passthrough.PassthroughFs;
import org.uringfuse.export.passthrough.PassthroughOptions;
import org.uringfuse.fuse.server.FuseMount;
import org.uringfuse.fuse.server.FuseServer;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.ring.loop.SchedStats;
import org.uringfuse.testkit.MountFixture.Finished;
import org.uringfuse.testkit.MountFixture;

/**
 * The passthrough export as a privilege boundary: the server runs as root with allow_other, and
 * unprivileged users created for the test attack it through a real mount on both transports. Each
 * test is one way in that a server acting as root could open: set-id bits kept after someone
 * else's write, root-owned files, ACLs not enforced, privileged xattrs, lost names and modes.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SecurityIT {
  static LocalUser attacker;
  static LocalUser owner;
  static String sharedGroup;

  @BeforeAll
  static void users() throws Exception {
    sharedGroup = LocalUser.createGroup("ufshare");
    attacker = LocalUser.create("ufatk", sharedGroup);
    owner = LocalUser.create("ufown");
  }

  @AfterAll
  static void removeUsers() throws Exception {
    for (AutoCloseable u : new AutoCloseable[] {attacker, owner}) {
      if (u != null) {
        u.close();
      }
    }
    if (sharedGroup != null) {
      LocalUser.deleteGroup(sharedGroup);
    }
  }

  /** A passthrough export of a fresh backing directory (mode 0777) with allow_other. */
  record Export(Path src, MountFixture fixture) implements AutoCloseable {
    Path mnt() {
      return fixture.mnt;
    }

    static Export mount(TransportKind t) throws IOException, InterruptedException {
      return mount(t, PassthroughOptions.defaults());
    }

    static Export mount(TransportKind t, PassthroughOptions po) throws IOException, InterruptedException {
      return mount(t, po, false);
    }

    /**
     * An export of a directory on a tmpfs of its own, where reads run at memory speed (fast enough
     * for the event loops to count as busy); it is unmounted on close.
     */
    static Export mountOnTmpfs(TransportKind t) throws IOException, InterruptedException {
      return mount(t, PassthroughOptions.defaults(), true);
    }

    private static Export mount(TransportKind t, PassthroughOptions po, boolean tmpfs)
        throws IOException, InterruptedException {
      Path base = Files.createTempDirectory("uringfuse-sec");
      Path src = Files.createDirectory(base.resolve("src"));
      try {
        if (tmpfs) {
          run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", src.toString());
        }
        LocalUser.openPath(src);
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxrwxrwx"));
        PassthroughFs fs = PassthroughFs.open(src, po);
        MountFixture f = MountFixture.mount(fs, t,
            MountOptions.defaults().withAllowOther(true).withDefaultPermissions(true));
        LocalUser.openPath(f.dir);
        return new Export(src, f);
      } catch (IOException | InterruptedException | RuntimeException | Error e) {
        unmountTmpfs(src);
        deleteTree(base);
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      try {
        fixture.close();
      } finally {
        unmountTmpfs(src);
        deleteTree(src.getParent());
      }
    }

    private static void unmountTmpfs(Path src) throws IOException {
      if (FuseMount.isMountPoint(src)) {
        try {
          MountFixture.runBounded(Duration.ofSeconds(30), "umount", "-l", src.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted unmounting " + src, e);
        }
      }
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  static int uid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  static int gid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  /** A set-uid, set-gid, group-executable file of {@code owner}'s, writable by everyone. */
  static Path setIdFile(Path dir, String name) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, new byte[8192]);
    run("chown", owner.uid + ":" + owner.gid, f.toString());
    run("chmod", "6777", f.toString());
    return f;
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void anotherUsersWriteClearsSetIdBits(TransportKind t) throws Exception {
    try (Export e = Export.mount(t)) {
      setIdFile(e.src(), "append");
      setIdFile(e.src(), "direct");
      setIdFile(e.src(), "truncate");
      setIdFile(e.src(), "otrunc");
      attacker.ok("sh", "-c", "echo x >> " + e.mnt().resolve("append"));
      attacker.ok("dd", "if=/dev/zero", "of=" + e.mnt().resolve("direct"), "bs=4096", "count=1", "oflag=direct",
          "conv=notrunc", "status=none");
      attacker.ok("truncate", "-s", "100", e.mnt().resolve("truncate").toString());
      attacker.ok("sh", "-c", ": > " + e.mnt().resolve("otrunc"));
      for (String name : List.of("append", "direct", "truncate", "otrunc")) {
        assertEquals(0777, mode(e.src().resolve(name)), name + ": set-id bits survived a write by another user");
      }
      // the kernel's rule: set-gid without group execute is not a privilege, and stays
      Path lock = setIdFile(e.src(), "lockbit");
      run("chmod", "2766", lock.toString());
      attacker.ok("sh", "-c", "echo x >> " + e.mnt().resolve("lockbit"));
      assertEquals(02766, mode(lock));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void whatAUserCreatesIsTheirsAndHonoursTheirUmask(TransportKind t) throws Exception {
    try (Export e = Export.mount(t)) {
      Path m = e.mnt();
      attacker.ok("/usr/bin/python3", "-c", """
          import os, sys
          m = sys.argv[1]
          os.umask(0)
          os.close(os.open(m + "/file", os.O_CREAT | os.O_WRONLY, 0o620))
          os.mkdir(m + "/dir", 0o777)
          os.symlink("file", m + "/link")
          os.mkfifo(m + "/fifo", 0o640)
          os.umask(0o077)
          os.close(os.open(m + "/masked", os.O_CREAT | os.O_WRONLY, 0o666))
          """, m.toString());
      for (String name : List.of("file", "dir", "link", "fifo", "masked")) {
        Path p = e.src().resolve(name);
        assertEquals(attacker.uid, uid(p), name + " owner");
        assertEquals(attacker.gid, gid(p), name + " group");
      }
      assertEquals(0620, mode(e.src().resolve("file")), "umask 0: the mode asked for");
      assertEquals(0777, mode(e.src().resolve("dir")));
      assertEquals(0640, mode(e.src().resolve("fifo")));
      assertEquals(0600, mode(e.src().resolve("masked")), "the caller's umask, not the server's");
    }
  }

  /**
   * A set-gid directory owned by a group the attacker belongs to only as a supplementary group:
   * the attacker may create there (the kernel sends that group with the request), and what is
   * created takes the directory's group, as locally.
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void supplementaryGroupAndSetGidDirectoryWorkAsLocally(TransportKind t) throws Exception {
    try (Export e = Export.mount(t)) {
      Path shared = Files.createDirectory(e.src().resolve("shared"));
      int group = LocalUser.gidOf(sharedGroup);
      run("chown", "0:" + group, shared.toString());
      run("chmod", "2770", shared.toString());
      attacker.ok("sh", "-c", "echo hi > " + e.mnt().resolve("shared/by-group") + " && mkdir "
          + e.mnt().resolve("shared/subdir"));
      assertEquals(attacker.uid, uid(shared.resolve("by-group")));
      assertEquals(group, gid(shared.resolve("by-group")), "a set-gid directory's group");
      assertEquals(group, gid(shared.resolve("subdir")));
      assertTrue((mode(shared.resolve("subdir")) & 02000) != 0, "subdirectories inherit set-gid");
      Finished denied = owner.run("sh", "-c", "echo x > " + e.mnt().resolve("shared/intruder"));
      assertNotEquals(0, denied.exitCode(), "a non-member created a file: " + denied.output());
      assertTrue(Files.notExists(shared.resolve("intruder")));
    }
  }

  /**
   * A new name is the caller's from the instant it exists: watching the backing directory with
   * inotify while the attacker creates a file, a directory, a symlink and a fifo shows each created
   * and none changed afterwards (a server that created as root and then chowned by name would show
   * an IN_ATTRIB for each, and in between a user renaming the name away would keep a root-owned
   * set-uid file).
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void newNamesAreNeverRootsEvenForAnInstant(TransportKind t) throws Exception {
    try (Export e = Export.mount(t)) {
      String out = run("/usr/bin/python3", "-c", """
          import ctypes, os, struct, sys
          src, mnt, uid, gid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
          libc = ctypes.CDLL(None, use_errno=True)
          IN_ATTRIB, IN_CREATE = 0x4, 0x100
          fd = libc.inotify_init1(os.O_NONBLOCK)
          assert fd >= 0 and libc.inotify_add_watch(fd, src.encode(), IN_ATTRIB | IN_CREATE) >= 0
          pid = os.fork()
          if pid == 0:
              os.setgroups([]); os.setgid(gid); os.setuid(uid)
              os.close(os.open(mnt + "/f", os.O_CREAT | os.O_WRONLY, 0o4755))
              os.mkdir(mnt + "/d")
              os.symlink("f", mnt + "/l")
              os.mkfifo(mnt + "/p")
              os._exit(0)
          assert os.waitpid(pid, 0)[1] == 0
          data, off, created, changed = os.read(fd, 65536), 0, [], []
          while off < len(data):
              wd, mask, cookie, ln = struct.unpack_from("iIII", data, off)
              name = data[off + 16: off + 16 + ln].rstrip(b"\\0").decode()
              off += 16 + ln
              (changed if mask & IN_ATTRIB else created).append(name)
          print("created", sorted(created), "changed", sorted(changed))
          """, e.src().toString(), e.mnt().toString(), String.valueOf(attacker.uid), String.valueOf(attacker.gid));
      assertTrue(out.contains("created ['d', 'f', 'l', 'p'] changed []"), out);
      for (String name : List.of("f", "d", "l", "p")) {
        assertEquals(attacker.uid, uid(e.src().resolve(name)), name);
      }
      assertEquals(04755, mode(e.src().resolve("f")), "the caller's own set-uid file, created in one step");
    }
  }

  /**
   * The image export shows {@code uid=} as the file's owner, and that owner may chmod it; the
   * change stays in the export's view: the root-owned image file never becomes set-uid.
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void imageOwnerChangesTheViewNeverTheImage(TransportKind t) throws Exception {
    Path base = Files.createTempDirectory("uringfuse-sec-img");
    Path img = base.resolve("disk.raw");
    Files.write(img, new byte[1 << 20]);
    Files.setPosixFilePermissions(img, PosixFilePermissions.fromString("rw-r--r--"));
    try (MountFixture m = MountFixture.mount(
        org.uringfuse.export.image.ImageFs.open(img,
            org.uringfuse.export.image.ImageOptions.defaults().withUid(attacker.uid).withMode(0644)),
        t, MountOptions.defaults().withAllowOther(true).withDefaultPermissions(true), true)) {
      LocalUser.openPath(m.dir);
      attacker.ok("chmod", "4755", m.mnt.toString());
      assertEquals(04755, mode(m.mnt), "the export's view follows its owner's chmod");
      assertEquals(0644, mode(img), "chmod through the export reached the image file");
      assertEquals(0, uid(img));
      assertNotEquals(0, attacker.run("chown", "0", m.mnt.toString()).exitCode());
      run("chmod", "o+w", m.mnt.toString());
      owner.ok("dd", "if=/dev/zero", "of=" + m.mnt, "bs=512", "count=1", "conv=notrunc", "status=none");
      assertEquals(0757, mode(m.mnt), "another user's write clears the export's set-uid bit");
    } finally {
      deleteTree(base);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void posixAclsAreEnforced(TransportKind t) throws Exception {
    try (Export e = Export.mount(t)) {
      Path f = e.src().resolve("acl");
      Files.writeString(f, "readable by all but one");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
      run("setfacl", "-m", "u:" + attacker.name + ":---", f.toString());
      Finished native_ = attacker.run("cat", f.toString());
      assertNotEquals(0, native_.exitCode(), "the ACL does not deny natively: " + native_.output());
      Finished through = attacker.run("cat", e.mnt().resolve("acl").toString());
      assertNotEquals(0, through.exitCode(), "the ACL was bypassed through the mount: " + through.output());
      assertTrue(through.output().contains("Permission denied"), through.output());
      assertEquals("readable by all but one", owner.ok("cat", e.mnt().resolve("acl").toString()));
      // an ACL set through the mount by the file's owner works too, and a stranger cannot set one
      Path g = e.mnt().resolve("owned");
      owner.ok("sh", "-c", "echo mine > " + g + " && chmod 644 " + g + " && setfacl -m u:" + attacker.name + ":--- " + g);
      assertNotEquals(0, attacker.run("cat", g.toString()).exitCode());
      assertNotEquals(0, attacker.run("setfacl", "-m", "u:" + attacker.name + ":rw", g.toString()).exitCode());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void privilegedXattrsStayPrivileged(TransportKind t) throws Exception {
    try (Export e = Export.mount(t)) {
      Path mine = e.mnt().resolve("mine");
      attacker.ok("sh", "-c", "echo x > " + mine);
      // file capabilities (cap_setuid+ep), the way to root without a set-uid bit
      Finished caps = attacker.python("""
          import os, sys
          v = bytes.fromhex("0000000280000000000000000000000000000000")
          for name in ("security.capability", "system.nfs4_acl", "trusted.x"):
              try:
                  os.setxattr(sys.argv[1], name, v)
                  print("SET", name)
              except OSError as e:
                  print("refused", name, e.errno)
          """, mine.toString());
      assertEquals(0, caps.exitCode(), caps.output());
      assertTrue(!caps.output().contains("SET"), caps.output());
      assertTrue(Files.readAllLines(e.src().resolve("mine")).size() == 1);
      Finished list = MountFixture.runBounded(java.time.Duration.ofSeconds(30), "getfattr", "-d", "-m", "-",
          e.src().resolve("mine").toString());
      assertTrue(!list.output().contains("security.capability"), list.output());
      // user.* stays the owner's to use
      attacker.ok("setfattr", "-n", "user.note", "-v", "fine", mine.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void namesThatAreNotUtf8SurviveEveryOperation(TransportKind t) throws Exception {
    try (Export e = Export.mount(t)) {
      Finished f = attacker.python("""
          import os, sys
          src, mnt = sys.argv[1].encode(), sys.argv[2].encode()
          name = b"a\\xe9\\xff"
          with open(src + b"/" + name, "wb") as fh:
              fh.write(b"latin-1 name")
          assert name in os.listdir(mnt), os.listdir(mnt)
          assert open(mnt + b"/" + name, "rb").read() == b"latin-1 name"
          os.rename(mnt + b"/" + name, mnt + b"/b\\xfe")
          assert os.listdir(src) == [b"b\\xfe"], os.listdir(src)
          os.mkdir(mnt + b"/d\\x80")
          os.symlink(b"t\\xc3(", mnt + b"/l\\xc0")
          assert os.readlink(src + b"/l\\xc0") == b"t\\xc3(", os.readlink(src + b"/l\\xc0")
          os.setxattr(mnt + b"/b\\xfe", b"user.k\\xe9", b"v")
          assert os.getxattr(src + b"/b\\xfe", b"user.k\\xe9") == b"v"
          assert b"user.k\\xe9" in [os.fsencode(n) for n in os.listxattr(mnt + b"/b\\xfe")]
          os.unlink(mnt + b"/b\\xfe")
          os.rmdir(mnt + b"/d\\x80")
          os.unlink(mnt + b"/l\\xc0")
          assert os.listdir(src) == [], os.listdir(src)
          print("ok")
          """, e.src().toString(), e.mnt().toString());
      assertEquals(0, f.exitCode(), f.output());
    }
  }

  /** O_NOFOLLOW on a regular file, O_EXCL that the server sees, and mmap of an O_DIRECT open. */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void openFlagsMeanWhatTheySay(TransportKind t) throws Exception {
    // names cached for 10 s, so a name created behind the kernel's back reaches the server's CREATE
    try (Export e = Export.mount(t, PassthroughOptions.defaults().withEntryTimeoutNanos(10_000_000_000L))) {
      Finished f = attacker.python("""
          import os, sys, mmap, errno
          src, mnt = sys.argv[1], sys.argv[2]
          with open(mnt + "/plain", "w") as fh:
              fh.write("x" * 4096)
          os.close(os.open(mnt + "/plain", os.O_RDONLY | os.O_NOFOLLOW))
          try:
              os.stat(mnt + "/late")
          except FileNotFoundError:
              pass
          with open(src + "/late", "w") as fh:
              fh.write("already here")
          try:
              os.close(os.open(mnt + "/late", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
              print("O_EXCL opened an existing file")
              sys.exit(1)
          except FileExistsError:
              pass
          fd = os.open(mnt + "/plain", os.O_RDWR | os.O_DIRECT)
          m = mmap.mmap(fd, 4096, mmap.MAP_SHARED)
          assert m[:1] == b"x"
          m.close()
          os.close(fd)
          print("ok")
          """, e.src().toString(), e.mnt().toString());
      assertEquals(0, f.exitCode(), f.output());
      assertEquals("already here", Files.readString(e.src().resolve("late")));
    }
  }

  /**
   * The event loops run SCHED_IDLE while busy (SchedIdleGuard), which a CPU-bound thread beside them
   * would starve. A user must not be able to keep them there by loading every CPU: a reader keeps
   * the loops busy until they are under SCHED_IDLE, then the attacker starts two CPU-bound processes
   * per CPU. The guard must take the loops back to normal scheduling (an idle spell ended by a wait
   * for the CPU), and reads must go on meanwhile.
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void aUsersCpuHogsCannotKeepTheServerStarved(TransportKind t) throws Exception {
    try (Export e = Export.mountOnTmpfs(t)) {
      Files.write(e.src().resolve("data"), new byte[16 << 20]);
      FuseServer server = e.fixture().server;
      AtomicLong reads = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread reader = Thread.ofPlatform().name("direct-reader").start(() -> {
        try (FileChannel ch = FileChannel.open(e.mnt().resolve("data"), StandardOpenOption.READ,
            ExtendedOpenOption.DIRECT)) {
          ByteBuffer block = ByteBuffer.allocateDirect(8192).alignedSlice(4096).limit(4096);
          for (long i = 0; !stop.get(); i++) {
            block.clear();
            ch.read(block, (i * 7919 % 4096) * 4096);
            reads.incrementAndGet();
          }
        } catch (Throwable x) {
          failure.set(x);
        }
      });
      List<Process> hogs = new ArrayList<>();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> failure.get() != null || sum(server, SchedStats::idleSpells) > 0);
        assertNull(failure.get());
        long waitsBefore = sum(server, SchedStats::waitedForCpu);
        for (int cpu = 0; cpu < Runtime.getRuntime().availableProcessors(); cpu++) {
          for (int i = 0; i < 2; i++) {
            hogs.add(attacker.start("taskset", "-c", Integer.toString(cpu), "sh", "-c", "while :; do :; done"));
          }
        }
        long readsBefore = reads.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> failure.get() != null
            || (sum(server, SchedStats::waitedForCpu) > waitsBefore && reads.get() > readsBefore + 1000));
      } finally {
        stop.set(true);
        for (Process p : hogs) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(30_000);
      }
      assertNull(failure.get());
      assertTrue(!reader.isAlive(), "the reader finished");
    }
  }

  private static long sum(FuseServer server, ToLongFunction<SchedStats> counter) {
    return server.loops().stream().mapToLong(l -> counter.applyAsLong(l.schedStats())).sum();
  }
}
