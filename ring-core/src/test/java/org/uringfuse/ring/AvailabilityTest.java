package org.uringfuse.ring;

import org.uringfuse.testing.RequireUring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Detection against the real kernel, including {@code kernel.io_uring_disabled=1} as an
 * unprivileged child process sees it (the sysctl is restored in a finally block).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AvailabilityTest {
  static final Path SYSCTL = Path.of("/proc/sys/kernel/io_uring_disabled");

  @Test
  void thisProcessHasIoUring() {
    RequireUring.ioUring();
    IoUring.Availability a = IoUring.detect();
    assertTrue(a.supported(), a.reason());
    assertEquals(0, a.negErrno());
    assertTrue(a.probe().isPresent());
    assertTrue(a.supports(org.uringfuse.ring.abi.IoUringConstants.IORING_OP_URING_CMD));
  }

  @Test
  void explainsEachKindOfRefusal() {
    assertTrue(IoUring.explain(-Errno.ENOSYS).contains("no io_uring"));
    assertTrue(IoUring.explain(-Errno.ENOMEM).contains("RLIMIT_MEMLOCK"));
    assertTrue(IoUring.explain(-Errno.EPERM).contains("EPERM"));
  }

  @Test
  void unprivilegedChildSeesDisabledSysctlAndFallsBackToEpoll() throws Exception {
    RequireUring.ioUring();
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to change the sysctl");
    String before = Files.readString(SYSCTL).trim();
    try {
      Files.writeString(SYSCTL, "1");
      List<String> out = runChildAsNobody();
      assertTrue(out.contains("supported=false"), out.toString());
      assertTrue(out.contains("errno=-1"), out.toString());
      assertTrue(out.stream().anyMatch(l -> l.startsWith("reason=") && l.contains("kernel.io_uring_disabled=1")),
          out.toString());
      assertTrue(out.contains("backend=EPOLL"), out.toString());
    } finally {
      Files.writeString(SYSCTL, before);
    }
    assertEquals(before, Files.readString(SYSCTL).trim());
    // And with the sysctl back, the same unprivileged child gets io_uring again.
    List<String> again = runChildAsNobody();
    assertTrue(again.contains("supported=true"), again.toString());
    assertTrue(again.contains("backend=IO_URING"), again.toString());
  }

  private static List<String> runChildAsNobody() throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    String cp = location(IoUring.class) + ":" + location(AvailabilityChild.class);
    Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        // no perf-data file: it would leave /tmp/hsperfdata_nobody behind
        java, "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-cp", cp, AvailabilityChild.class.getName())
        .redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child did not finish within 60 s");
    }
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    return text.lines().toList();
  }

  private static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
