package org.uringfuse.fuse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.testkit.MountFixture.run;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;

/** A filesystem whose root is a regular file, mounted over a regular file (the image export's shape). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileMountpointIT {
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void mountOverARegularFile(TransportKind t) throws Exception {
    try (MountFixture m = MountFixture.mount(new SingleFileFs("image contents\n"), t,
        MountOptions.defaults(), true)) {
      assertTrue(Files.isRegularFile(m.mnt));
      assertEquals("image contents\n", Files.readString(m.mnt));
      assertEquals(15, Files.size(m.mnt));
      assertEquals("image contents", run("cat", m.mnt.toString()).trim());
    }
  }
}
