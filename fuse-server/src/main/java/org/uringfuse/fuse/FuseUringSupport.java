package org.uringfuse.fuse;

import static org.uringfuse.ring.abi.IoUringConstants.IORING_OP_URING_CMD;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.uringfuse.ring.IoUring;

/**
 * Whether FUSE-over-io_uring can be used on this machine, and if not, every reason why: kernel
 * older than 6.14, {@code /dev/fuse} missing, the {@code fuse} module's {@code enable_uring}
 * parameter off, io_uring itself unavailable, or {@code IORING_OP_URING_CMD} missing. The final word
 * is the kernel's: it offers {@code FUSE_OVER_IO_URING} in FUSE_INIT only when all of this holds.
 * Stateless; thread-safe.
 */
public final class FuseUringSupport {
  private FuseUringSupport() {}

  public static final Path ENABLE_URING = Path.of("/sys/module/fuse/parameters/enable_uring");
  public static final Path DEV_FUSE = Path.of("/dev/fuse");

  /**
   * @param usable true when every precondition holds
   * @param reasons what is missing (empty when usable)
   * @param enableUring the parameter's value ("Y", "N") or empty when the file is absent
   * @param kernel the kernel release
   */
  public record Status(boolean usable, List<String> reasons, Optional<String> enableUring, String kernel) {
    public String reason() {
      return String.join("; ", reasons);
    }
  }

  public static Status check() {
    return check(IoUring.availability());
  }

  public static Status check(IoUring.Availability ring) {
    List<String> reasons = new ArrayList<>();
    String kernel = System.getProperty("os.version", "");
    if (!kernelAtLeast(kernel, 6, 14)) {
      reasons.add("kernel " + kernel + " is older than 6.14 (FUSE-over-io_uring arrived in 6.14)");
    }
    if (!Files.exists(DEV_FUSE)) {
      reasons.add("/dev/fuse is missing (modprobe fuse, or pass --device /dev/fuse to the container)");
    }
    Optional<String> enable = read(ENABLE_URING);
    if (enable.isEmpty()) {
      reasons.add(ENABLE_URING + " is missing (fuse module not loaded, or kernel built without CONFIG_FUSE_IO_URING)");
    } else if (!enable.get().equals("Y")) {
      reasons.add("FUSE-over-io_uring is off: echo Y > " + ENABLE_URING + " (as root)");
    }
    if (!ring.supported()) {
      reasons.add("io_uring unavailable: " + ring.reason());
    } else if (!ring.supports(IORING_OP_URING_CMD)) {
      reasons.add("io_uring lacks IORING_OP_URING_CMD");
    }
    return new Status(reasons.isEmpty(), List.copyOf(reasons), enable, kernel);
  }

  static boolean kernelAtLeast(String release, int major, int minor) {
    String[] parts = release.split("[.-]");
    try {
      int ma = Integer.parseInt(parts[0]);
      int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Optional<String> read(Path p) {
    try {
      return Optional.of(Files.readString(p).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
