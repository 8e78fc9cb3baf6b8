package org.uringfuse.fuse.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.uringfuse.fuse.sys.FuseSyscalls;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.abi.IoUringConstants;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.op.Accept;
import org.uringfuse.ring.op.Close;
import org.uringfuse.ring.op.Recv;
import org.uringfuse.ring.op.Send;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.ring.sys.SockaddrUn;

/**
 * The running server's control socket: a unix stream socket under {@link #directory()} (0700: the
 * mounting user's only) where {@code uringfuse stats} asks for the statistics report. It is served on
 * one of the mount's event loops entirely with io_uring: a multishot ACCEPT, then per connection a
 * RECV of the command, a SEND of the answer and a CLOSE.
 *
 * <p>Protocol: the client sends one line ({@code stats}); the server answers with the report text
 * and closes. Anything else gets {@code error: unknown command}.
 *
 * <p>Limits: a client that sends no command within 5 s is dropped; when the process runs out of
 * fds, accepting pauses for 100 ms at a time instead of spinning on EMFILE.
 *
 * <p>Threads: everything runs on the loop given to {@link #start}; {@link #close()} hops onto it.
 */
public final class ControlSocket implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ControlSocket.class.getName());
  private static final Path ROOT_DIRECTORY = Path.of("/run/uringfuse");
  /**
   * Longest socket path used: {@code sun_path} holds 108 bytes with the NUL, and some clients (the
   * JDK's, for one) refuse paths that come near it.
   */
  private static final int SUN_PATH_MAX = 100;
  /** A client that sends no command within this is dropped. */
  private static final long IDLE_CLIENT_NANOS = 5_000_000_000L;
  /** After EMFILE/ENFILE, accepting resumes after this (the multishot ACCEPT would spin otherwise). */
  private static final long ACCEPT_RETRY_NANOS = 100_000_000L;

  private final EventLoop loop;
  private final Path path;
  private final Supplier<String> report;
  private int listenFd = -1;
  private long acceptOp;
  private boolean outOfFds;

  private ControlSocket(EventLoop loop, Path path, Supplier<String> report) {
    this.loop = loop;
    this.path = path;
    this.report = report;
  }

  /**
   * Where the sockets live (mode 0700): {@code /run/uringfuse} for root; for a user,
   * {@code $XDG_RUNTIME_DIR/uringfuse}, or {@code /tmp/uringfuse-UID} without one.
   */
  public static Path directory() {
    int uid = FuseSyscalls.getuid();
    if (uid == 0) {
      return ROOT_DIRECTORY;
    }
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime))) {
      return Path.of(runtime, "uringfuse");
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "uringfuse-" + uid);
  }

  /**
   * The socket path of the server mounted at {@code mountpoint}: the mountpoint's path with
   * separators replaced, or, when that would not fit a unix socket address (see {@link #SUN_PATH_MAX}),
   * its start and a hash of the whole path.
   */
  public static Path pathFor(Path mountpoint) {
    String full = mountpoint.toAbsolutePath().normalize().toString();
    String name = full.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+", "");
    name = name.isEmpty() ? "root" : name;
    Path directory = directory();
    int room = SUN_PATH_MAX - directory.toString().length() - "/.sock".length();
    if (name.length() > room) {
      name = name.substring(0, room - 17) + "-" + hash(full);
    }
    return directory.resolve(name + ".sock");
  }

  private static String hash(String s) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is in every JDK", e);
    }
  }

  /** Binds the socket and starts serving it on {@code loop}. */
  public static ControlSocket start(EventLoop loop, Path mountpoint, Supplier<String> report) throws IOException {
    Path directory = directory();
    Files.createDirectories(directory);
    if (!Files.getOwner(directory).getName().equals(System.getProperty("user.name"))
        && FuseSyscalls.getuid() != 0) {
      throw new IOException(directory + " belongs to someone else");
    }
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    Path path = pathFor(mountpoint);
    Files.deleteIfExists(path);
    ControlSocket cs = new ControlSocket(loop, path, report);
    int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new IOException("control socket: " + Errno.describe(fd));
    }
    int r;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment addr = SockaddrUn.of(a, path.toString());
      r = LibC.bind(fd, addr, (int) addr.byteSize());
    }
    if (r == 0) {
      r = LibC.listen(fd, 16);
    }
    if (r < 0) {
      LibC.close(fd);
      throw new IOException("control socket " + path + ": " + Errno.describe(r));
    }
    cs.listenFd = fd;
    loop.execute(cs::acceptLoop);
    return cs;
  }

  public Path path() {
    return path;
  }

  private void acceptLoop() {
    acceptOp = loop.addSqe(Accept.of(listenFd, LibC.SOCK_CLOEXEC).multishot(), (res, flags) -> {
      boolean more = (flags & IoUringConstants.IORING_CQE_F_MORE) != 0;
      if (res >= 0) {
        outOfFds = false;
        serve(res);
      } else if (res == -Errno.EMFILE || res == -Errno.ENFILE) {
        // Out of fds: pause accepting (re-arming at once would spin), and say so once per pause.
        if (!outOfFds) {
          LOG.log(Level.WARNING, "control socket: {0}; pausing accepts", Errno.describe(res));
        }
        outOfFds = true;
        if (more) {
          loop.cancel(acceptOp, answer -> { });
        }
        loop.schedule(ACCEPT_RETRY_NANOS, this::rearm);
        return;
      } else if (res != -Errno.ECANCELED) {
        LOG.log(Level.WARNING, "control socket accept failed: {0}", Errno.describe(res));
      }
      if (!more && res != -Errno.ECANCELED) {
        rearm();   // the kernel ended the multishot: arm it again
      }
    });
  }

  private void rearm() {
    if (listenFd >= 0) {
      acceptLoop();
    }
  }

  /**
   * One connection, on the loop thread; its buffers live until its socket is closed. A client that
   * sends nothing within {@link #IDLE_CLIENT_NANOS} is dropped.
   */
  private void serve(int conn) {
    Arena buffers = Arena.ofConfined();
    MemorySegment in = buffers.allocate(256);
    long recv = loop.addSqe(Recv.of(conn, in, 0), (res, flags) -> {
      if (res == -Errno.ECANCELED) {
        loop.addSqe(Close.of(conn), (closed, g) -> buffers.close());
        return;
      }
      String command = res > 0 ? new String(in.asSlice(0, res).toArray(ValueLayout.JAVA_BYTE),
          StandardCharsets.UTF_8).trim() : "";
      String answer = command.equals("stats") ? report.get() : "error: unknown command '" + command + "'\n";
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      MemorySegment out = buffers.allocate(Math.max(1, bytes.length));
      MemorySegment.copy(bytes, 0, out, ValueLayout.JAVA_BYTE, 0, bytes.length);
      loop.addSqe(Send.of(conn, out.asSlice(0, bytes.length), 0),
          (sent, f) -> loop.addSqe(Close.of(conn), (closed, g) -> buffers.close()));
    });
    loop.schedule(IDLE_CLIENT_NANOS, () -> loop.cancel(recv, answer -> { }));
  }

  @Override
  public void close() {
    if (listenFd < 0) {
      return;
    }
    int fd = listenFd;
    listenFd = -1;
    try {
      loop.execute(() -> {
        if (acceptOp != 0) {
          loop.cancel(acceptOp, answer -> LibC.close(fd));
        } else {
          LibC.close(fd);
        }
      });
    } catch (RejectedExecutionException e) {
      LibC.close(fd);   // the loop is gone already
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not remove {0}: {1}", path, e.getMessage());
    }
  }
}
