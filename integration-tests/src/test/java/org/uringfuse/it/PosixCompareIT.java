package org.uringfuse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.testkit.MountFixture.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.uringfuse.export.passthrough.PassthroughFs;
import org.uringfuse.export.passthrough.PassthroughOptions;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;
import org.uringfuse.testkit.MountFixture.Finished;

/**
 * The passthrough's POSIX behaviour compared call by call with the backing filesystem: the same
 * script ({@code posix_checks.py}: errnos, modes, owners, times, link counts, sticky and rename
 * permission rules) runs on a plain directory and through a mount of an identical one, as root and
 * as an unprivileged user, on both transports, and the outputs must be equal line for line.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PosixCompareIT {
  static LocalUser user;
  static LocalUser other;
  static Path script;

  @BeforeAll
  static void setUp() throws Exception {
    user = LocalUser.create("ufposix");
    other = LocalUser.create("ufother");
    script = Files.createTempFile("posix_checks", ".py");
    try (InputStream in = PosixCompareIT.class.getResourceAsStream("/posix_checks.py")) {
      Files.write(script, in.readAllBytes());
    }
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (user != null) {
      user.close();
    }
    if (other != null) {
      other.close();
    }
    if (script != null) {
      Files.deleteIfExists(script);
    }
  }

  /** The layout the script expects (see its header), owned as described. */
  static void prepare(Path dir) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path shared = Files.createDirectory(dir.resolve("shared"));
    run("chmod", "0777", shared.toString());
    Path sticky = Files.createDirectory(dir.resolve("sticky"));
    run("chmod", "1777", sticky.toString());
    Files.writeString(sticky.resolve("others-file"), "theirs");
    run("chown", other.uid + ":" + other.gid, sticky.resolve("others-file").toString());
    for (String p : new String[] {"p1", "p2"}) {
      run("chmod", "0777", Files.createDirectory(dir.resolve(p)).toString());
    }
    Path d = Files.createDirectory(dir.resolve("p1/D"));
    run("chown", other.uid + ":" + other.gid, d.toString());
    Files.writeString(dir.resolve("secret"), "root only");
    run("chmod", "0600", dir.resolve("secret").toString());
  }

  String checks(LocalUser as, Path dir) throws Exception {
    Finished f = as == null
        ? MountFixture.runBounded(java.time.Duration.ofSeconds(120), "/usr/bin/python3", script.toString(), dir.toString())
        : as.python(Files.readString(script), dir.toString());
    assertEquals(0, f.exitCode(), f.output());
    return f.output();
  }

  @ParameterizedTest(name = "{0} as {1}")
  @CsvSource({"CLASSIC, root", "URING, root", "CLASSIC, user", "URING, user"})
  void everyResultMatchesTheBackingFilesystem(TransportKind t, String who) throws Exception {
    LocalUser as = who.equals("user") ? user : null;
    Path base = Files.createTempDirectory("uringfuse-posix");
    LocalUser.openPath(base);
    Path plain = Files.createDirectory(base.resolve("plain"));
    Path backing = Files.createDirectory(base.resolve("backing"));
    try {
      prepare(plain);
      prepare(backing);
      String expected = checks(as, plain);
      try (MountFixture m = MountFixture.mount(PassthroughFs.open(backing, PassthroughOptions.defaults()), t,
          MountOptions.defaults().withAllowOther(true).withDefaultPermissions(true))) {
        LocalUser.openPath(m.dir);
        String actual = checks(as, m.mnt);
        assertEquals(expected, actual.replace(m.mnt.toString(), plain.toString()));
        assertTrue(m.server.stats().requests(t == TransportKind.URING ? "uring" : "classic") > 0);
      }
    } finally {
      SecurityIT.deleteTree(base);
    }
  }
}
