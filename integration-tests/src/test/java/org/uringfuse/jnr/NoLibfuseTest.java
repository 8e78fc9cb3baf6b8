package org.uringfuse.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;

/**
 * jnr-fuse's constructor loads libfuse 2; the bridge does not need it. A child JVM runs in a private
 * mount namespace where every libfuse.so.2 file is covered by /dev/null (so it cannot be opened):
 * constructing a jnr-fuse filesystem directly fails there, and through {@code UringFuse} it mounts
 * and serves.
 */
class NoLibfuseTest {
  private static final String HIDE_LIBFUSE =
      "for f in /usr/lib/x86_64-linux-gnu/libfuse.so.2* /lib/x86_64-linux-gnu/libfuse.so.2*; do "
      + "[ -e \"$f\" ] && mount --bind /dev/null \"$f\"; done; exec \"$@\"";

  private static MountFixture.Finished runWithoutLibfuse(Path mnt, String mode, TransportKind transport)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> cmd = List.of("unshare", "-m", "--propagation", "private", "sh", "-c", HIDE_LIBFUSE, "sh",
        java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-cp", System.getProperty("java.class.path"), NoLibfuseMain.class.getName(), mnt.toString(), mode,
        transport.name().toLowerCase());
    return MountFixture.runBounded(Duration.ofSeconds(60), cmd.toArray(String[]::new));
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"URING", "CLASSIC"})
  void theBridgeServesAJnrFuseFilesystemWithoutLibfuse(TransportKind transport) throws Exception {
    MountFixture.requireTransport(transport);
    Path dir = Files.createTempDirectory("uringfuse-nolibfuse");
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    try {
      MountFixture.Finished plain = runWithoutLibfuse(mnt, "plain", transport);
      assertEquals(0, plain.exitCode(), plain.output());
      assertTrue(plain.output().contains("libfuse installed false"), plain.output());
      assertTrue(plain.output().contains("construction failed"), "without libfuse jnr-fuse cannot even "
          + "construct a filesystem: " + plain.output());

      MountFixture.Finished bridge = runWithoutLibfuse(mnt, "bridge", transport);
      assertEquals(0, bridge.exitCode(), bridge.output());
      assertTrue(bridge.output().contains("libfuse installed false"), bridge.output());
      assertTrue(bridge.output().contains("transport " + transport.name().toLowerCase()), bridge.output());
      assertTrue(bridge.output().contains("read served without libfuse"), bridge.output());
      assertTrue(bridge.output().contains("mounted after umount false"), bridge.output());
    } finally {
      Files.deleteIfExists(mnt);
      Files.deleteIfExists(dir);
    }
  }
}
