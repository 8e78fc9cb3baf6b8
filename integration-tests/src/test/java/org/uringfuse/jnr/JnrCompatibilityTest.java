package org.uringfuse.jnr;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.uringfuse.fuse.server.FuseMount;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.examples.jnr.JnrMemoryFs;
import org.uringfuse.testkit.MountFixture;
import org.uringfuse.testkit.ServerThreads;
import ru.serce.jnrfuse.AbstractFuseFS;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.examples.MemoryFS;

/**
 * The same jnr-fuse filesystem, the same operation script ({@code jnr-ops.py}): once on jnr-fuse's
 * own mount (libfuse 2, its multithreaded loop), once through the bridge on each uringfuse
 * transport. Every step's result or errno must be the same: contents, stat fields, listings, xattrs,
 * the errno of failing calls and of callbacks the filesystem does not implement. Three filesystems:
 * our full {@link JnrMemoryFs}, and jnr-fuse's own {@code MemoryFS} and {@code HelloFuse} examples.
 */
class JnrCompatibilityTest {
  private Path dir;
  private Path mnt;

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (String fs : List.of("JnrMemoryFs", "jnr-fuse MemoryFS", "jnr-fuse HelloFuse")) {
      for (TransportKind t : List.of(TransportKind.URING, TransportKind.CLASSIC)) {
        all.add(Arguments.of(fs, t));
      }
    }
    return all.stream();
  }

  private static Supplier<AbstractFuseFS> factory(String name) {
    return switch (name) {
      case "JnrMemoryFs" -> JnrMemoryFs::new;
      case "jnr-fuse MemoryFS" -> MemoryFS::new;
      case "jnr-fuse HelloFuse" -> HelloFuse::new;
      default -> throw new IllegalArgumentException(name);
    };
  }

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("uringfuse-jnr");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));   // uid 1000 steps
    mnt = Files.createDirectory(dir.resolve("mnt"));
  }

  @AfterEach
  void tearDown() throws IOException, InterruptedException {
    if (FuseMount.isMountPoint(mnt)) {
      MountFixture.runBounded(Duration.ofSeconds(10), "umount", "-l", mnt.toString());
    }
    Files.deleteIfExists(mnt);
    Files.deleteIfExists(dir);
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("cases")
  void bridgeGivesTheSameResultsAsLibfuse(String fsName, TransportKind transport) throws Exception {
    MountFixture.requireTransport(transport);
    List<String> libfuse = onLibfuse(factory(fsName).get());
    List<String> bridge = onBridge(factory(fsName).get(), transport);
    if (fsName.equals("JnrMemoryFs")) {
      assertBaselineIsMeaningful(libfuse);
    }
    assertEquals(libfuse.size(), bridge.size(), "same number of steps");
    for (int i = 0; i < libfuse.size(); i++) {
      assertEquals(libfuse.get(i), bridge.get(i), "step " + i + " differs between libfuse and the bridge");
    }
  }

  /** The comparison is only worth something if the steps did what they say under libfuse. */
  private static void assertBaselineIsMeaningful(List<String> lines) {
    String all = String.join("\n", lines);
    for (String expected : List.of(
        "{\"ok\": \"hello\", \"step\": \"read a\"}",
        "{\"errno\": \"EEXIST\", \"step\": \"mkdir d again\"}",
        "{\"ok\": \"a\", \"step\": \"readlink s\"}",
        "{\"ok\": \"shared\", \"step\": \"read via a\"}",
        "{\"ok\": \"deep data\", \"step\": \"read moved subtree\"}",
        "{\"ok\": [\"still here\", 10, 0, [\"a\", \"p\", \"s\", \"sub\"], []], \"step\": \"read unlinked while open\"}",
        "{\"errno\": \"ENOTSUP\", \"step\": \"fallocate (not implemented)\"}",
        "{\"errno\": \"EINVAL\", \"step\": \"renameat2 NOREPLACE\"}",
        "{\"ok\": [1000000123, 3000000789], \"step\": \"times a again\"}",
        "{\"ok\": true, \"step\": \"listdir many\"}")) {
      assertTrue(all.contains(expected), "libfuse baseline lacks " + expected + "\n" + all);
    }
    assertTrue(all.contains("\"uid\": 1000") && all.contains("\"gid\": 1000"),
        "getContext() gave the creating user's uid/gid\n" + all);
  }

  private List<String> onLibfuse(AbstractFuseFS fs) throws Exception {
    assertTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2"))
        || Files.exists(Path.of("/lib/x86_64-linux-gnu/libfuse.so.2")), "libfuse2 is needed for the baseline");
    fs.mount(mnt, false, false, new String[] {"-o", "allow_other"});
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> FuseMount.isMountPoint(mnt));
      return runScript();
    } finally {
      fs.umount();
      await().atMost(Duration.ofSeconds(10)).until(() -> !FuseMount.isMountPoint(mnt));
    }
  }

  private List<String> onBridge(AbstractFuseFS fs, TransportKind transport) throws Exception {
    JnrMount m = UringFuse.mount(fs, mnt, false, false,
        "-o", "allow_other,transport=" + transport.name().toLowerCase());
    try {
      assertEquals(transport.name().toLowerCase(), m.transport(), "the transport asked for is the one in use");
      return runScript();
    } finally {
      fs.umount();   // the filesystem's own umount(), as a jnr-fuse program calls it
      assertTrue(m.awaitUnmount(Duration.ofSeconds(10)), "the bridge ended after fs.umount()");
      assertFalse(FuseMount.isMountPoint(mnt));
      assertEquals(0, m.server().unansweredRequests());
      ServerThreads.assertNoneLeft(WorkerPool.THREAD_PREFIX);
    }
  }

  private List<String> runScript() throws IOException, InterruptedException {
    Path script = dir.resolve("jnr-ops.py");
    try (InputStream in = JnrCompatibilityTest.class.getResourceAsStream("/jnr-ops.py")) {
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    try {
      MountFixture.Finished f = MountFixture.runBounded(Duration.ofSeconds(120), "python3", script.toString(),
          mnt.toString());
      assertEquals(0, f.exitCode(), f.output());
      return Arrays.stream(f.output().split("\n")).filter(l -> !l.isBlank()).toList();
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
