package org.uringfuse.fuse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.uringfuse.fuse.sys.FuseSyscalls;
import org.uringfuse.fuse.sys.Fusermount;

/**
 * Whether users who are not root can mount here: fusermount3 must be installed (set-uid root), and
 * {@code /dev/fuse} must be readable and writable by them (mode 0666, as udev's rule makes it; some
 * minimal machines and containers leave it 0600). Thread-safe.
 */
public final class UserMounts {
  private static final Path DEV_FUSE = Path.of("/dev/fuse");

  private UserMounts() {}

  /** True when this process runs as root (mounts with mount(2), not through fusermount3). */
  public static boolean runningAsRoot() {
    return FuseSyscalls.getuid() == 0;
  }

  /** One line for probe: "possible", or why not and what to do. */
  public static String status() {
    String why = problem();
    return why == null ? "possible (through fusermount3)" : "not possible: " + why;
  }

  /** Why a user cannot mount here, with what to do about it; null when they can. */
  public static String problem() {
    return Fusermount.available() ? deviceDenied() : "fusermount3 is missing (install fuse3, or mount as root)";
  }

  /** Why a user cannot open /dev/fuse, or null when everyone can. */
  private static String deviceDenied() {
    try {
      String mode = Integer.toOctalString((Integer) Files.getAttribute(DEV_FUSE, "unix:mode") & 0777);
      return mode.equals("666") ? null
          : "/dev/fuse is mode " + mode + ", so users cannot open it (as root: chmod 0666 /dev/fuse, which is "
              + "what udev does on most systems)";
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return "/dev/fuse: " + e.getMessage();
    }
  }
}
