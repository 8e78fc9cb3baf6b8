package org.uringfuse.fuse.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uringfuse.ring.sys.LibC;

/**
 * The mountpoint race: between resolving the mountpoint and mount(2), whoever owns a directory on
 * the path swaps it for a symlink (here to a directory that also has a "mnt"). The pin that mount(2)
 * goes through must refuse the swapped path instead of following it elsewhere.
 */
class MountpointPinTest {
  @TempDir
  Path dir;

  @Test
  void aParentSwappedForASymlinkAfterTheChecksIsRefused() throws Exception {
    Path mine = Files.createDirectories(dir.resolve("mine/mnt"));
    Files.createDirectories(dir.resolve("elsewhere/mnt"));
    Path resolved = mine.toRealPath();   // what the checks saw

    int fd = FuseMount.pin(resolved);
    assertTrue(fd >= 0);
    LibC.close(fd);

    // the swap: "mine" becomes a symlink to "elsewhere", which has a "mnt" too
    Files.move(dir.resolve("mine"), dir.resolve("mine.old"));
    Files.createSymbolicLink(dir.resolve("mine"), dir.resolve("elsewhere"));
    IOException e = assertThrows(IOException.class, () -> FuseMount.pin(resolved));
    assertTrue(e.getMessage().contains("symlink"), e.getMessage());
  }

  @Test
  void aMountpointThatIsItselfASymlinkIsRefusedAtThePin() throws Exception {
    Files.createDirectories(dir.resolve("target"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("target"));
    assertThrows(IOException.class, () -> FuseMount.pin(link));
  }
}
