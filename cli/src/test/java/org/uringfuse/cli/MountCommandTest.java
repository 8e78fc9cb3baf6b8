package org.uringfuse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every user mistake gets one clear line and the documented exit code; nothing gets mounted. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MountCommandTest {
  @TempDir
  Path dir;

  record Result(int code, String err) {}

  static Result run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine("");
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return new Result(cl.execute(args), err.toString());
  }

  @Test
  void missingSource() {
    Result r = run("mount", dir.resolve("nope").toString(), dir.toString(), "--foreground");
    assertEquals(ExitCodes.FAILURE, r.code());
    assertTrue(r.err().contains("source " + dir.resolve("nope") + " does not exist"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void missingMountpoint() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Result r = run("mount", src.toString(), dir.resolve("mnt").toString(), "--foreground");
    assertEquals(ExitCodes.FAILURE, r.code());
    assertTrue(r.err().contains("does not exist (create it: mkdir -p"), r.err());
  }

  @Test
  void mountpointInsideTheSourceIsRefused() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Path inner = Files.createDirectory(src.resolve("inner"));
    Result r = run("mount", src.toString(), inner.toString(), "--foreground");
    assertEquals(ExitCodes.FAILURE, r.code());
    assertTrue(r.err().contains("is inside the source"), r.err());
  }

  @Test
  void busyMountpointIsRefused() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Result r = run("mount", src.toString(), "/proc", "--foreground");
    assertEquals(ExitCodes.FAILURE, r.code());
    assertTrue(r.err().contains("is already in use"), r.err());
  }

  @Test
  void unknownOptionAndBadTransportAreUsageErrors() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    Result r = run("mount", src.toString(), mnt.toString(), "-o", "ro,frobnicate", "--foreground");
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("unknown mount option 'frobnicate'"), r.err());
    Result l = run("mount", src.toString(), mnt.toString(), "--log-level", "chatty", "--foreground");
    assertEquals(ExitCodes.USAGE, l.code());
    assertTrue(l.err().contains("--log-level must be error, warning, info or debug"), l.err());
    Result p = run("mount", src.toString(), mnt.toString(), "-o", "poll=sometimes", "--foreground");
    assertEquals(ExitCodes.USAGE, p.code());
    assertTrue(p.err().contains("poll must be auto, auto:<us>, off or <us>, got 'sometimes'"), p.err());
    Result s = run("mount", src.toString(), mnt.toString(), "-o", "sched=realtime", "--foreground");
    assertEquals(ExitCodes.USAGE, s.code());
    assertTrue(s.err().contains("sched must be auto or normal, got 'realtime'"), s.err());
    Result t = run("mount", src.toString(), mnt.toString(), "--transport", "carrier-pigeon", "--foreground");
    assertEquals(ExitCodes.USAGE, t.code());
    assertTrue(t.err().contains("--transport must be auto, uring or classic"), t.err());
  }

  @Test
  void pollOptionReachesTheLoops() {
    MountOptionsParser p = new MountOptionsParser(org.uringfuse.fuse.server.MountOptions.defaults());
    assertEquals(org.uringfuse.ring.loop.PollOptions.auto(20_000), p.mount.poll(), "default");
    p.apply("poll=off");
    assertEquals(org.uringfuse.ring.loop.PollOptions.off(), p.mount.poll());
    p.apply("poll=25");
    assertEquals(org.uringfuse.ring.loop.PollOptions.fixed(25_000), p.mount.poll());
  }

  @Test
  void schedOptionReachesTheLoops() {
    MountOptionsParser p = new MountOptionsParser(org.uringfuse.fuse.server.MountOptions.defaults());
    assertEquals(org.uringfuse.ring.loop.LoopOptions.Sched.IDLE_WHEN_BUSY, p.mount.sched(), "default");
    p.apply("sched=normal");
    assertEquals(org.uringfuse.ring.loop.LoopOptions.Sched.NORMAL, p.mount.sched());
  }

  @Test
  void allowOtherImpliesDefaultPermissionsUnlessOptedOut() {
    MountOptionsParser p = new MountOptionsParser(org.uringfuse.fuse.server.MountOptions.defaults());
    p.apply("allow_other");
    p.finish();
    assertTrue(p.mount.defaultPermissions());
    MountOptionsParser q = new MountOptionsParser(org.uringfuse.fuse.server.MountOptions.defaults());
    q.apply("allow_other,no_default_permissions");
    q.finish();
    assertTrue(!q.mount.defaultPermissions());
    assertEquals(1, q.warnings.size());
  }
}
