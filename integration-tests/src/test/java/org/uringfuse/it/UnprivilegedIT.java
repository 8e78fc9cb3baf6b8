package org.uringfuse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;
import static org.uringfuse.testkit.MountFixture.run;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uringfuse.fuse.server.FuseMount;
import org.uringfuse.testkit.MountFixture;
import org.uringfuse.testkit.MountFixture.Finished;

/**
 * Mounts by a user who is not root, through the {@code uringfuse} command as a new user would run
 * it: the mount goes through fusermount3, the server acts as that user, logs and the control socket
 * live in the user's directories, fusermount3's rules hold (allow_other needs user_allow_other), and
 * auto_unmount leaves no dead mount after SIGKILL. Both transports: the kernel lets a user's server
 * use FUSE-over-io_uring, and the test asserts it got it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UnprivilegedIT {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final Pattern MOUNTED = Pattern.compile("mounted at (\\S+) \\(pid (\\d+)\\) over (\\w+)");
  static LocalUser user;
  static Path home;

  @BeforeAll
  static void createUser() throws Exception {
    user = LocalUser.create("ufuser");
    home = Files.createTempDirectory("uringfuse-home");
    LocalUser.openPath(home);
    Files.createDirectory(home.resolve("run"));   // the user's XDG_RUNTIME_DIR (control sockets)
    run("chown", "-R", user.uid + ":" + user.gid, home.toString());
  }

  @AfterAll
  static void removeUser() throws Exception {
    if (user != null) {
      user.close();
    }
    if (home != null) {
      SecurityIT.deleteTree(home);
    }
  }

  /** Runs the uringfuse command as the user, with a HOME of its own (as a login would give). */
  static Finished uringfuse(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("env", "HOME=" + home, "XDG_RUNTIME_DIR=" + home.resolve("run"),
        "PATH=/usr/sbin:/usr/bin:/sbin:/bin", ROOT.resolve("uringfuse").toString()));
    cmd.addAll(List.of(args));
    return user.run(cmd.toArray(String[]::new));
  }

  /** A directory of the user's own, made by the user. */
  static Path userDir(String name) throws Exception {
    Path p = home.resolve(name);
    user.ok("mkdir", "-p", p.toString());
    return p;
  }

  static long serverPid(Finished mounted) {
    Matcher m = MOUNTED.matcher(mounted.output());
    assertTrue(m.find(), mounted.output());
    return Long.parseLong(m.group(2));
  }

  static void awaitGone(long pid) {
    await().atMost(Duration.ofSeconds(15)).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  static void awaitUnmounted(Path mnt) {
    await().atMost(Duration.ofSeconds(15)).until(() -> !FuseMount.isMountPoint(mnt));
  }

  @ParameterizedTest
  @ValueSource(strings = {"classic", "uring"})
  void aUserMountsTheirOwnDirectoryAndWhatTheyCreateIsTheirs(String transport) throws Exception {
    Path src = userDir("src-" + transport);
    Path mnt = userDir("mnt-" + transport);
    user.ok("sh", "-c", "echo mine > " + src.resolve("f"));
    Finished m = uringfuse("mount", src.toString(), mnt.toString(), "--transport", transport);
    assertEquals(0, m.exitCode(), m.output());
    try {
      assertTrue(m.output().contains("over " + transport), m.output());
      assertTrue(m.output().contains(home.resolve(".local/state/uringfuse").toString()), "log not in XDG state: " + m.output());
      assertEquals("mine\n", user.ok("cat", mnt.resolve("f").toString()));
      user.ok("sh", "-c", "echo new > " + mnt.resolve("g") + " && mkdir " + mnt.resolve("d"));
      assertEquals(user.uid, Files.getAttribute(src.resolve("g"), "unix:uid"));
      assertEquals(user.uid, Files.getAttribute(src.resolve("d"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
      Finished stats = uringfuse("stats", mnt.toString());
      assertEquals(0, stats.exitCode(), stats.output());
      assertTrue(stats.output().contains("transport: " + transport), stats.output());
      // a user's server could not leave SCHED_IDLE (no CAP_SYS_NICE), so it never enters it, and says so
      assertTrue(stats.output().contains("sched: auto (loops stay SCHED_OTHER: a thread cannot leave SCHED_IDLE"),
          stats.output());
      assertTrue(Files.exists(home.resolve("run/uringfuse")), "control socket not under XDG_RUNTIME_DIR");
      // without allow_other nobody else (root included) gets in: the kernel's rule for user mounts
      Finished rootRead = MountFixture.runBounded(Duration.ofSeconds(30), "cat", mnt.resolve("f").toString());
      assertNotEquals(0, rootRead.exitCode(), rootRead.output());
    } finally {
      Finished u = uringfuse("umount", mnt.toString());
      assertEquals(0, u.exitCode(), u.output());
    }
    awaitGone(serverPid(m));
    assertFalse(FuseMount.isMountPoint(mnt));
  }

  @ParameterizedTest
  @ValueSource(strings = {"classic", "uring"})
  void sigkillLeavesNoMountAndARemountWorks(String transport) throws Exception {
    Path src = userDir("ksrc-" + transport);
    Path mnt = userDir("kmnt-" + transport);
    Finished m = uringfuse("mount", src.toString(), mnt.toString(), "--transport", transport);
    assertEquals(0, m.exitCode(), m.output());
    run("kill", "-KILL", String.valueOf(serverPid(m)));
    awaitUnmounted(mnt);   // auto_unmount: the watcher unmounted the dead mount
    Finished again = uringfuse("mount", src.toString(), mnt.toString(), "--transport", transport);
    assertEquals(0, again.exitCode(), again.output());
    try {
      user.ok("sh", "-c", "echo back > " + mnt.resolve("after-kill"));
      assertEquals("back\n", Files.readString(src.resolve("after-kill")));
    } finally {
      assertEquals(0, uringfuse("umount", mnt.toString()).exitCode());
    }
    awaitGone(serverPid(again));
  }

  @ParameterizedTest
  @ValueSource(strings = {"classic", "uring"})
  void aUserExportsTheirOwnImage(String transport) throws Exception {
    Path img = home.resolve("disk-" + transport + ".raw");
    user.ok("dd", "if=/dev/zero", "of=" + img, "bs=1M", "count=4", "status=none");
    Path mnt = home.resolve("disk-" + transport);
    Finished m = uringfuse("mount", img.toString(), mnt.toString(), "--transport", transport);
    assertEquals(0, m.exitCode(), m.output());
    try {
      assertTrue(m.output().contains("over " + transport), m.output());
      user.ok("sh", "-c", "printf hello | dd of=" + mnt + " bs=1 seek=4096 conv=notrunc status=none");
      assertEquals("hello", new String(java.util.Arrays.copyOfRange(Files.readAllBytes(img), 4096, 4101)));
      assertEquals(String.valueOf(4 << 20), user.ok("stat", "-c", "%s", mnt.toString()).trim());
    } finally {
      assertEquals(0, uringfuse("umount", mnt.toString()).exitCode());
    }
    awaitGone(serverPid(m));
  }

  @ParameterizedTest
  @ValueSource(strings = {"classic"})
  void allowOtherFollowsFuseConf(String transport) throws Exception {
    Path src = userDir("asrc");
    Path mnt = userDir("amnt");
    Path conf = Path.of("/etc/fuse.conf");
    boolean allowed = Files.exists(conf) && Files.readAllLines(conf).stream()
        .anyMatch(l -> l.trim().equals("user_allow_other"));
    Finished m = uringfuse("mount", src.toString(), mnt.toString(), "--transport", transport, "-o", "allow_other");
    if (allowed) {
      assertEquals(0, m.exitCode(), m.output());
      assertEquals(0, uringfuse("umount", mnt.toString()).exitCode());
      awaitGone(serverPid(m));
    } else {
      assertNotEquals(0, m.exitCode(), m.output());
      assertTrue(m.output().contains("user_allow_other"), m.output());
      assertFalse(FuseMount.isMountPoint(mnt));
    }
  }
}
