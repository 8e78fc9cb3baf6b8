package org.uringfuse.fuse.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.ring.sys.Native;

/**
 * fusermount3: the set-uid helper through which every FUSE library mounts for users who may not
 * call mount(2). The protocol is libfuse's: the helper runs with {@code _FUSE_COMMFD} naming its end
 * of a unix socket pair, mounts, and sends the {@code /dev/fuse} fd back with SCM_RIGHTS.
 *
 * <p>Its own {@code auto_unmount} is not used: the helper runs as root, and as root it may not look
 * at a user's mount made without allow_other, so (fuse3 3.14, checked) it gives up instead of
 * unmounting. The server's {@code MountWatcher} does that job for every mount.
 *
 * <p>Threads: called by the thread that mounts or unmounts; no shared state.
 */
public final class Fusermount {
  private Fusermount() {}

  public static final String HELPER = "fusermount3";
  private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);
  private static final int COMM_FD = 3;
  private static final int SOL_SOCKET = 1;
  private static final int SCM_RIGHTS = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int MSG_CMSG_CLOEXEC = 0x40000000;
  private static final int EPROTO = 71;
  /** {@code struct msghdr} (56), {@code struct iovec} (16), {@code CMSG_SPACE(sizeof(int))} (24). */
  private static final int MSGHDR_BYTES = 56;
  private static final int IOVEC_BYTES = 16;
  private static final int CMSG_SPACE_INT = 24;

  private static final class SOCKET {
    static final MethodHandle RECVMSG = Native.function("recvmsg");
    static final MethodHandle SETSOCKOPT = Native.function("setsockopt");
  }

  /** True when the helper is on the PATH. */
  public static boolean available() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, HELPER))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Mounts with the helper and returns the session's {@code /dev/fuse} fd. {@code options} are
   * fusermount3's {@code -o} list (fsname, subtype, allow_other, default_permissions, ro, nosuid,
   * nodev, max_read, blksize).
   *
   * @throws IOException with the helper's own message when it refused or failed
   */
  public static int mount(Path mountpoint, String options) throws IOException {
    if (!available()) {
      throw new IOException(HELPER + " is not installed (the fuse3 package); it mounts for users who are not root");
    }
    Path errors = Files.createTempFile("uringfuse-fusermount", ".err");
    try (Arena a = Arena.ofConfined()) {
      MemorySegment pair = a.allocate(JAVA_INT, 2);
      int r = LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, pair);
      if (r < 0) {
        throw new IOException("socketpair: " + Errno.describe(r));
      }
      int ours = pair.getAtIndex(JAVA_INT, 0);
      int theirs = pair.getAtIndex(JAVA_INT, 1);
      int pid;
      try {
        // the helper's end of the socket as fd 3, named by _FUSE_COMMFD; its stderr to a file we read
        pid = Spawn.start(List.of(HELPER, "-o", options, "--", mountpoint.toString()), List.of("_FUSE_COMMFD=" + COMM_FD),
            new int[][] {{theirs, COMM_FD}}, Map.of(2, errors.toString()), COMM_FD + 1);
      } finally {
        LibC.close(theirs);
      }
      int deviceFd = receiveFd(a, ours);
      int status = Spawn.waitFor(pid, HELPER_TIMEOUT);
      LibC.close(ours);
      if (deviceFd >= 0 && status == 0) {
        return deviceFd;
      }
      if (deviceFd >= 0) {
        LibC.close(deviceFd);
      }
      String message = Files.readString(errors, StandardCharsets.UTF_8).trim();
      throw new IOException(HELPER + " failed (exit " + status + "): "
          + (message.isEmpty() && deviceFd < 0 ? Errno.describe(deviceFd) : message));
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  /**
   * Unmounts with {@code fusermount3 -u} ({@code -z}: lazily, even while busy). Returns an empty
   * string when it did, else the helper's message.
   */
  public static String unmount(Path mountpoint, boolean lazy) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(HELPER, "-u"));
    if (lazy) {
      cmd.add("-z");
    }
    cmd.add("--");
    cmd.add(mountpoint.toString());
    Path output = Files.createTempFile("uringfuse-fusermount", ".out");
    try {
      // its stdout and stderr both into one file (appended, so neither overwrites the other)
      int pid = Spawn.start(cmd, List.of(), new int[0][], Map.of(1, output.toString(), 2, output.toString()), 3);
      int status = Spawn.waitFor(pid, HELPER_TIMEOUT);
      if (status < 0) {
        Spawn.kill(pid, Spawn.SIGKILL);
        Spawn.waitFor(pid, HELPER_TIMEOUT);
        return Thread.currentThread().isInterrupted() ? "interrupted"
            : HELPER + " -u did not finish within " + HELPER_TIMEOUT;
      }
      String out = Files.readString(output, StandardCharsets.UTF_8).trim();
      return status == 0 ? "" : out.isEmpty() ? HELPER + " -u exited " + status : out;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /**
   * The fd sent over {@code sock} with SCM_RIGHTS, or a negative errno (-ECONNRESET at EOF, -EAGAIN
   * when the helper sent nothing within {@link #HELPER_TIMEOUT}).
   */
  private static int receiveFd(Arena a, int sock) {
    MemorySegment timeout = a.allocate(16, 8);   // struct timeval
    timeout.set(JAVA_LONG, 0, HELPER_TIMEOUT.toSeconds());
    int t = Native.intResult(Native.call(SOCKET.SETSOCKOPT, sock, SOL_SOCKET, SO_RCVTIMEO, timeout.address(), 16));
    if (t < 0) {
      return t;
    }
    MemorySegment data = a.allocate(1);
    MemorySegment iov = a.allocate(IOVEC_BYTES, 8);
    iov.set(ADDRESS, 0, data);
    iov.set(JAVA_LONG, 8, 1);
    MemorySegment control = a.allocate(CMSG_SPACE_INT, 8);
    MemorySegment msg = a.allocate(MSGHDR_BYTES, 8);
    msg.set(ADDRESS, 16, iov);            // msg_iov
    msg.set(JAVA_LONG, 24, 1);            // msg_iovlen
    msg.set(ADDRESS, 32, control);        // msg_control
    msg.set(JAVA_LONG, 40, CMSG_SPACE_INT);   // msg_controllen
    long n;
    do {
      n = Native.longResult(Native.call(SOCKET.RECVMSG, sock, msg.address(), MSG_CMSG_CLOEXEC));
    } while (n == -Errno.EINTR);
    if (n <= 0) {
      return n == 0 ? -Errno.ECONNRESET : (int) n;
    }
    long controlLen = msg.get(JAVA_LONG, 40);
    if (controlLen < 20 || control.get(JAVA_INT, 8) != SOL_SOCKET || control.get(JAVA_INT, 12) != SCM_RIGHTS) {
      return -EPROTO;
    }
    return control.get(JAVA_INT, 16);
  }
}
