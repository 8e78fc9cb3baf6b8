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
import java.util.function.Supplier;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.op.Accept;
import org.uringfuse.ring.op.Close;
import org.uringfuse.ring.op.Recv;
import org.uringfuse.ring.op.Send;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.ring.sys.SockaddrUn;

/**
 * The running server's control socket: a unix stream socket under {@code /run/uringfuse} (directory
 * 0700, so root only) where {@code uringfuse stats} asks for the statistics report. It is served on
 * one of the mount's event loops entirely with io_uring: a multishot ACCEPT, then per connection a
 * RECV of the command, a SEND of the answer and a CLOSE.
 *
 * <p>Protocol: the client sends one line ({@code stats}); the server answers with the report text
 * and closes. Anything else gets {@code error: unknown command}.
 *
 * <p>Threads: everything runs on the loop given to {@link #start}; {@link #close()} hops onto it.
 */
public final class ControlSocket implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ControlSocket.class.getName());
  public static final Path DIRECTORY = Path.of("/run/uringfuse");

  private final EventLoop loop;
  private final Path path;
  private final Supplier<String> report;
  private int listenFd = -1;
  private long acceptOp;

  private ControlSocket(EventLoop loop, Path path, Supplier<String> report) {
    this.loop = loop;
    this.path = path;
    this.report = report;
  }

  /** The socket path of the server mounted at {@code mountpoint}. */
  public static Path pathFor(Path mountpoint) {
    String name = mountpoint.toAbsolutePath().normalize().toString().replaceAll("[^A-Za-z0-9._-]+", "_")
        .replaceAll("^_+", "");
    return DIRECTORY.resolve((name.isEmpty() ? "root" : name) + ".sock");
  }

  /** Binds the socket and starts serving it on {@code loop}. */
  public static ControlSocket start(EventLoop loop, Path mountpoint, Supplier<String> report) throws IOException {
    Files.createDirectories(DIRECTORY);
    Files.setPosixFilePermissions(DIRECTORY, PosixFilePermissions.fromString("rwx------"));
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
      if (res >= 0) {
        serve(res);
      } else if (res != -Errno.ECANCELED) {
        LOG.log(Level.WARNING, "control socket accept failed: {0}", Errno.describe(res));
      }
      if ((flags & org.uringfuse.ring.abi.IoUringConstants.IORING_CQE_F_MORE) == 0 && res != -Errno.ECANCELED
          && listenFd >= 0) {
        acceptLoop();   // the kernel ended the multishot: arm it again
      }
    });
  }

  /** One connection, on the loop thread; its buffers live until its socket is closed. */
  private void serve(int conn) {
    Arena buffers = Arena.ofConfined();
    MemorySegment in = buffers.allocate(256);
    loop.addSqe(Recv.of(conn, in, 0), (res, flags) -> {
      String command = res > 0 ? new String(in.asSlice(0, res).toArray(ValueLayout.JAVA_BYTE),
          StandardCharsets.UTF_8).trim() : "";
      String answer = command.equals("stats") ? report.get() : "error: unknown command '" + command + "'\n";
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      MemorySegment out = buffers.allocate(Math.max(1, bytes.length));
      MemorySegment.copy(bytes, 0, out, ValueLayout.JAVA_BYTE, 0, bytes.length);
      loop.addSqe(Send.of(conn, out.asSlice(0, bytes.length), 0),
          (sent, f) -> loop.addSqe(Close.of(conn), (closed, g) -> buffers.close()));
    });
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
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LibC.close(fd);   // the loop is gone already
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not remove {0}: {1}", path, e.getMessage());
    }
  }
}
