package org.uringfuse.jnr;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.server.FuseMount;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.examples.jnr.JnrMemoryFs;
import org.uringfuse.it.LocalUser;
import org.uringfuse.testkit.MountFixture;

/**
 * A jnr-fuse filesystem mounted on the bridge by a user who is not root, in a JVM of its own running
 * as a user created for the test ({@code UringFuse.mount} goes through fusermount3): the
 * compatibility script, run as that user, gives the same results as on a bridge mount made by root
 * (with allow_other so the user can reach it), on both transports.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UnprivilegedBridgeTest {
  private LocalUser user;
  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    user = LocalUser.create("ufjnr");
    dir = Files.createTempDirectory("uringfuse-jnr-user");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (user != null) {
      user.close();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        if (FuseMount.isMountPoint(p)) {
          MountFixture.runBounded(Duration.ofSeconds(10), "umount", "-l", p.toString());
        }
        Files.deleteIfExists(p);
      }
    }
  }

  /** The test class path, copied where the user can read it (a root home is closed to others). */
  private String userClassPath() throws IOException, InterruptedException {
    Path cp = Files.createDirectory(dir.resolve("cp"));
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String e : System.getProperty("java.class.path").split(":")) {
      Path src = Path.of(e);
      if (!Files.exists(src)) {
        continue;
      }
      Path dst = cp.resolve(i++ + "-" + src.getFileName());
      if (Files.isDirectory(src)) {
        try (Stream<Path> s = Files.walk(src)) {
          for (Path p : s.toList()) {
            Files.copy(p, dst.resolve(src.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
      } else {
        Files.copy(src, dst);
      }
      entries.add(dst.toString());
    }
    MountFixture.run("chmod", "-R", "a+rX", cp.toString());
    return String.join(":", entries);
  }

  private List<String> script(Path mnt) throws Exception {
    Path script = dir.resolve("jnr-ops.py");
    try (InputStream in = getClass().getResourceAsStream("/jnr-ops.py")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    MountFixture.Finished f = user.run("env", "HOME=" + dir, "/usr/bin/python3", script.toString(), mnt.toString());
    assertEquals(0, f.exitCode(), f.output());
    return f.output().lines().filter(l -> !l.isBlank()).toList();
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void theCompatibilityScriptPassesOnAUsersOwnBridgeMount(TransportKind t) throws Exception {
    MountFixture.requireTransport(t);
    String transport = t.name().toLowerCase();

    // baseline: root's bridge mount, opened to the user with allow_other
    Path rootMnt = Files.createDirectory(dir.resolve("root-mnt"));
    JnrMemoryFs rootFs = new JnrMemoryFs();
    JnrMount rm = UringFuse.mount(rootFs, rootMnt, false, false, "-o", "allow_other,transport=" + transport);
    List<String> expected;
    try {
      expected = script(rootMnt);
    } finally {
      rootFs.umount();
      assertTrue(rm.awaitUnmount(Duration.ofSeconds(10)));
    }

    // the user's own bridge mount, in the user's own JVM
    Path mnt = Files.createDirectory(dir.resolve("user-mnt"));
    MountFixture.run("chown", user.uid + ":" + user.gid, mnt.toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process server = user.start("env", "HOME=" + dir, java, "--enable-native-access=ALL-UNNAMED", "-cp",
        userClassPath(), "org.uringfuse.examples.jnr.JnrMemoryFsMain", mnt.toString(), "uringfuse", "-o",
        "transport=" + transport);
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String first = CompletableFuture.supplyAsync(() -> {
        try {
          String line;
          while ((line = out.readLine()) != null && !line.startsWith("mounted ")) {
            // log lines before the mount
          }
          return line;
        } catch (IOException e) {
          return "read failed: " + e;
        }
      }).get(60, TimeUnit.SECONDS);
      assertEquals("mounted " + transport, first, "the user's bridge did not mount over " + transport);
      List<String> actual = script(mnt);
      assertTrue(expected.contains("{\"ok\": \"hello\", \"step\": \"read a\"}") && expected.size() > 50,
          "the baseline did not run: " + expected);
      assertEquals(expected, actual);
    } finally {
      user.run("fusermount3", "-u", "-z", mnt.toString());
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> !FuseMount.isMountPoint(mnt));
    }
  }
}
