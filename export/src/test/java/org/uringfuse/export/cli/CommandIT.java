package org.uringfuse.export.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real launcher as a user runs it: detached mount and umount, mount(8) and /etc/fstab, bad input. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CommandIT {
  static final Path ROOT = repoRoot();

  @TempDir
  Path dir;

  static Path repoRoot() {
    try {
      Path classes = Path.of(CommandIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return classes.getParent().getParent().getParent();   // export/target/test-classes -> repo
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  record Result(int code, String output) {}

  static Result run(String... cmd) throws IOException, InterruptedException {
    org.uringfuse.testkit.MountFixture.Finished f = org.uringfuse.testkit.MountFixture.runBounded(Duration.ofSeconds(120), cmd);
    return new Result(f.exitCode(), f.output());
  }

  static boolean mounted(Path mnt) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .anyMatch(l -> l.split(" ")[4].equals(mnt.toString()));
  }

  static boolean serverRunning(Path mnt) throws IOException, InterruptedException {
    return run("pgrep", "-f", "mount .* " + mnt + " ").code() == 0;
  }

  @Test
  void detachedMountReturnsOnceLiveAndUmountEndsTheServer() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    Files.writeString(src.resolve("hello"), "hi");
    Result r = run(ROOT.resolve("uringfuse").toString(), "mount", src.toString(), mnt.toString(),
        "--log-file", dir.resolve("server.log").toString());
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("mounted at " + mnt), r.output());
    assertTrue(mounted(mnt), "mount not live when the command returned");
    assertEquals("hi", Files.readString(mnt.resolve("hello")));
    Result stats = run(ROOT.resolve("uringfuse").toString(), "stats", mnt.toString());
    assertEquals(0, stats.code(), stats.output());
    assertTrue(stats.output().contains("transport: "), stats.output());
    assertTrue(stats.output().lines().anyMatch(l -> l.startsWith("READ ")), stats.output());
    assertTrue(stats.output().contains("requests in flight: "), stats.output());
    // logrotate: move the log away, SIGHUP, and the server writes to a new file of the same name
    Path log = dir.resolve("server.log");
    Files.move(log, dir.resolve("server.log.1"));
    String pid = run("pgrep", "-f", "mount .* " + mnt + " ").output().lines().findFirst().orElseThrow().trim();
    assertEquals(0, run("kill", "-HUP", pid).code());
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log)
        && Files.readString(log).contains("log reopened"));
    Result u = run(ROOT.resolve("uringfuse").toString(), "umount", mnt.toString());
    assertEquals(0, u.code(), u.output());
    await().atMost(Duration.ofSeconds(10)).until(() -> !serverRunning(mnt));
    assertFalse(mounted(mnt));
    assertFalse(Files.exists(org.uringfuse.fuse.server.ControlSocket.pathFor(mnt)), "control socket left behind");
    Result gone = run(ROOT.resolve("uringfuse").toString(), "stats", mnt.toString());
    assertEquals(ExitCodes.FAILURE, gone.code(), gone.output());
    assertTrue(gone.output().contains("no uringfuse server is serving"), gone.output());
  }

  @Test
  void badInputGetsOneLineAndTheDocumentedCode() throws Exception {
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    Result r = run(ROOT.resolve("uringfuse").toString(), "mount", dir.resolve("missing").toString(), mnt.toString());
    assertEquals(ExitCodes.FAILURE, r.code(), r.output());
    List<String> lines = r.output().strip().lines().filter(l -> !l.startsWith("uringfuse: building")).toList();
    assertEquals(1, lines.size(), r.output());
    assertTrue(lines.get(0).contains("does not exist"), r.output());
    Result usage = run(ROOT.resolve("uringfuse").toString(), "mount");
    assertEquals(ExitCodes.USAGE, usage.code(), usage.output());
  }

  @Test
  void mountHelperAndFstabLine() throws Exception {
    Path helper = Path.of("/sbin/mount.fuse.uringfuse");
    boolean installedHere = !Files.exists(helper);
    if (installedHere) {
      assertEquals(0, run(ROOT.resolve("scripts/install.sh").toString()).code());
    }
    Path fstab = Path.of("/etc/fstab");
    String before = Files.exists(fstab) ? Files.readString(fstab) : "";
    Path src = Files.createDirectory(dir.resolve("src"));
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    Files.writeString(src.resolve("f"), "from fstab");
    try {
      Result m = run("mount", "-t", "fuse.uringfuse", src.toString(), mnt.toString(), "-o", "ro,transport=auto");
      assertEquals(0, m.code(), m.output());
      assertTrue(mounted(mnt));
      assertEquals("from fstab", Files.readString(mnt.resolve("f")));
      assertTrue(run("touch", mnt.resolve("nope").toString()).output().contains("Read-only"));
      assertEquals(0, run("umount", mnt.toString()).code());
      await().atMost(Duration.ofSeconds(10)).until(() -> !serverRunning(mnt));

      Files.writeString(fstab, before + (before.isEmpty() || before.endsWith("\n") ? "" : "\n")
          + src + " " + mnt + " fuse.uringfuse defaults,noauto,allow_other 0 0\n");
      Result f = run("mount", mnt.toString());
      assertEquals(0, f.code(), f.output());
      assertTrue(mounted(mnt));
      assertEquals("from fstab", Files.readString(mnt.resolve("f")));
      assertEquals(0, run("umount", mnt.toString()).code());
    } finally {
      Files.writeString(fstab, before);
      if (mounted(mnt)) {
        run("umount", "-l", mnt.toString());
      }
      if (installedHere) {
        run(ROOT.resolve("scripts/install.sh").toString(), "--uninstall");
      }
    }
  }
}
