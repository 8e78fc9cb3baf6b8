package org.uringfuse.ring;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Run-time detection of io_uring: whether this process may create a ring, and if not, why
 * (no io_uring in the kernel, the {@code kernel.io_uring_disabled} sysctl, a seccomp filter, the
 * locked-memory limit, missing opcodes). The answer is computed once and cached; {@link #detect()}
 * computes it afresh. Thread-safe.
 */
public final class IoUring {
  private IoUring() {}

  /** Opcodes the event loop cannot work without. */
  static final int[] REQUIRED_OPCODES = {
      IORING_OP_NOP, IORING_OP_READ, IORING_OP_WRITE, IORING_OP_POLL_ADD, IORING_OP_POLL_REMOVE,
      IORING_OP_TIMEOUT, IORING_OP_ASYNC_CANCEL
  };

  /** The opcodes uringfuse submits, reported by {@code probe}. */
  public static final int[] INTERESTING_OPCODES = {
      IORING_OP_NOP, IORING_OP_READ, IORING_OP_WRITE, IORING_OP_FSYNC, IORING_OP_FALLOCATE,
      IORING_OP_OPENAT, IORING_OP_CLOSE, IORING_OP_STATX, IORING_OP_POLL_ADD, IORING_OP_POLL_REMOVE,
      IORING_OP_TIMEOUT, IORING_OP_ASYNC_CANCEL, IORING_OP_URING_CMD, IORING_OP_ACCEPT,
      IORING_OP_SEND, IORING_OP_RECV
  };

  /**
   * What detection found.
   *
   * @param supported true when a ring can be created and every required opcode is there
   * @param reason why not (empty text when supported)
   * @param negErrno the failing setup's {@code -errno}, 0 if setup worked
   * @param kernel the running kernel's release
   * @param probe the opcode probe, when a ring could be created
   * @param grantedFlags the setup flags the kernel granted for {@link RingOptions#defaults()}
   */
  public record Availability(boolean supported, String reason, int negErrno, String kernel,
      Optional<Probe> probe, int grantedFlags) {

    public boolean supports(int opcode) {
      return probe.map(p -> p.supports(opcode)).orElse(false);
    }
  }

  private static volatile Availability cached;

  /** The cached detection result for this process. */
  public static Availability availability() {
    Availability a = cached;
    if (a == null) {
      a = detect();
      cached = a;
    }
    return a;
  }

  /** Detects afresh (for tests and for {@code probe}). */
  public static Availability detect() {
    String kernel = System.getProperty("os.version", "unknown");
    Ring ring;
    try {
      ring = Ring.create(RingOptions.defaults().withEntries(4));
    } catch (IoUringException e) {
      return new Availability(false, explain(e.negErrno()), e.negErrno(), kernel, Optional.empty(), 0);
    } catch (UnsupportedOperationException | LinkageError e) {
      return new Availability(false, "native access failed: " + e, 0, kernel, Optional.empty(), 0);
    }
    try (ring) {
      Probe probe = ring.probe();
      List<String> missing = new ArrayList<>();
      for (int op : REQUIRED_OPCODES) {
        if (!probe.supports(op)) {
          missing.add(Probe.opcodeName(op));
        }
      }
      if (!missing.isEmpty()) {
        return new Availability(false, "kernel " + kernel + " lacks io_uring opcodes " + missing,
            0, kernel, Optional.of(probe), ring.flags());
      }
      return new Availability(true, "", 0, kernel, Optional.of(probe), ring.flags());
    } catch (IoUringException e) {
      return new Availability(false, "IORING_REGISTER_PROBE failed: " + Errno.describe(e.negErrno())
          + " (kernel older than 5.6?)", e.negErrno(), kernel, Optional.empty(), 0);
    }
  }

  /** Turns a failed {@code io_uring_setup} into a sentence a user can act on. */
  static String explain(int negErrno) {
    int errno = -negErrno;
    if (errno == Errno.ENOSYS) {
      return "io_uring_setup: ENOSYS — this kernel has no io_uring (CONFIG_IO_URING off, or older than 5.1)";
    }
    if (errno == Errno.EPERM) {
      String sysctl = readTrimmed(Path.of("/proc/sys/kernel/io_uring_disabled")).orElse("absent");
      if (sysctl.equals("2")) {
        return "io_uring_setup: EPERM — io_uring is disabled for everyone by sysctl kernel.io_uring_disabled=2";
      }
      if (sysctl.equals("1")) {
        String group = readTrimmed(Path.of("/proc/sys/kernel/io_uring_group")).orElse("?");
        return "io_uring_setup: EPERM — sysctl kernel.io_uring_disabled=1 allows io_uring only to"
            + " CAP_SYS_ADMIN or to members of group kernel.io_uring_group=" + group;
      }
      String seccomp = seccompMode();
      return "io_uring_setup: EPERM — blocked by a seccomp filter (Seccomp mode " + seccomp
          + ", sysctl kernel.io_uring_disabled=" + sysctl + "); container runtimes' default profiles"
          + " do this: allow io_uring_setup/enter/register or run with a profile that does";
    }
    if (errno == Errno.ENOMEM) {
      return "io_uring_setup: ENOMEM — locked-memory limit too small (RLIMIT_MEMLOCK; kernels <= 5.11 account rings there)";
    }
    if (errno == Errno.EINVAL) {
      return "io_uring_setup: EINVAL — the kernel rejects even a plain ring (too old?)";
    }
    return "io_uring_setup failed: " + Errno.describe(negErrno);
  }

  private static String seccompMode() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Seccomp:")) {
          String v = line.substring(8).trim();
          return v.equals("2") ? "2=filter" : v.equals("1") ? "1=strict" : v + "=none";
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }

  private static Optional<String> readTrimmed(Path p) {
    try {
      return Optional.of(Files.readString(p).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
