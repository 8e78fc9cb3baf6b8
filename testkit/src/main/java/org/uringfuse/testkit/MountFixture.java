package org.uringfuse.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.uringfuse.fuse.FuseUringSupport;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.server.FuseServer;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.transport.TransportKind;

/**
 * A real mount for a test: a temporary mountpoint, the filesystem served on the requested
 * transport (checked: FUSE-over-io_uring really negotiated when asked for), and on close an
 * unmount followed by checks that nothing leaked (no unanswered requests, no /dev/fuse, io_uring,
 * eventfd or epoll fds left open, no server thread left running, the mount gone). {@link FuseMountExtension} makes one per test
 * and transport; tests may also make their own with {@link #mount}.
 *
 * <p>The uring transport needs FUSE-over-io_uring: without it a test is skipped, or fails when the
 * system property {@code uf.requireUring} is {@code 1} (a machine that must have it).
 */
public final class MountFixture implements AutoCloseable {
  public final Path dir;
  public final Path mnt;
  public final FuseServer server;
  private final AutoCloseable closer;
  private final Map<String, Integer> kernelFdsBefore;
  private final Set<Thread> threadsBefore;

  private MountFixture(Path dir, Path mnt, Mounter.Served served, Map<String, Integer> fdsBefore,
      Set<Thread> threadsBefore) {
    this.dir = dir;
    this.mnt = mnt;
    this.server = served.server();
    this.closer = served.closer();
    this.kernelFdsBefore = fdsBefore;
    this.threadsBefore = threadsBefore;
  }

  public static MountFixture mount(Filesystem fs, TransportKind transport) throws IOException {
    return mount(fs, transport, MountOptions.defaults());
  }

  public static MountFixture mount(Filesystem fs, TransportKind transport, MountOptions options)
      throws IOException {
    return mount(fs, transport, options, false);
  }

  /** Mounts on a directory, or over a regular file when {@code fileMountpoint}. */
  public static MountFixture mount(Filesystem fs, TransportKind transport, MountOptions options,
      boolean fileMountpoint) throws IOException {
    return mount(Mounter.of(() -> fs, options), transport, fileMountpoint);
  }

  /** Mounts what {@code mounter} serves on a new temporary directory (or regular file). */
  public static MountFixture mount(Mounter mounter, TransportKind transport, boolean fileMountpoint)
      throws IOException {
    requireTransport(transport);
    Map<String, Integer> before = kernelFds();
    Set<Thread> threadsBefore = ServerThreads.uringfuseThreads();
    Path dir = Files.createTempDirectory("uringfuse-test");
    Path mnt = dir.resolve("mnt");
    if (fileMountpoint) {
      Files.createFile(mnt);
    } else {
      Files.createDirectory(mnt);
    }
    Mounter.Served served = mounter.mount(mnt, transport);
    MountFixture m = new MountFixture(dir, mnt, served, before, threadsBefore);
    try {
      await().atMost(Duration.ofSeconds(10)).until(served.server()::isMounted);
      if (transport == TransportKind.URING) {
        assertEquals("uring", served.server().transport(), "FUSE-over-io_uring must really be negotiated");
      } else if (transport == TransportKind.CLASSIC) {
        assertEquals("classic", served.server().transport());
      }
    } catch (RuntimeException | AssertionError e) {
      m.end();   // a failed check must not leave the mount behind for the next test
      throw e;
    }
    return m;
  }

  /** The mountpoint. */
  public Path path() {
    return mnt;
  }

  /**
   * The uring transport needs the kernel's FUSE-over-io_uring: a skip where it is missing, a
   * failure where {@code uf.requireUring=1} says the machine must have it.
   */
  public static void requireTransport(TransportKind transport) {
    if (transport == TransportKind.URING) {
      FuseUringSupport.Status s = FuseUringSupport.check();
      String required = System.getProperty("uf.requireUring", "");
      if (required.equals("1") || required.equalsIgnoreCase("true")) {
        assertTrue(s.usable(), "FUSE-over-io_uring required (uf.requireUring=1): " + s.reason());
      } else {
        Assumptions.assumeTrue(s.usable(), s.reason());
      }
    }
  }

  /** Runs a command (bounded) and returns its output; fails on a non-zero exit. */
  public static String run(String... command) throws IOException, InterruptedException {
    Finished f = runBounded(Duration.ofSeconds(60), command);
    assertEquals(0, f.exitCode(), String.join(" ", command) + ": " + f.output());
    return f.output();
  }

  /** A finished command: exit code and output (stdout and stderr). */
  public record Finished(int exitCode, String output) {}

  /**
   * Runs a command with its output going to a file, so that a talkative command can never block
   * on a full pipe, and fails the test if it does not finish within {@code bound}.
   */
  public static Finished runBounded(Duration bound, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("uringfuse-cmd", ".out");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        // Its children too: a `sh -c "dd ... | sha256sum"` killed alone left dd blocked on the mount,
        // which then could not be unmounted.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + bound);
      }
      return new Finished(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Ends the mount the way its mounter says (FuseServer.close, JnrMount.close...). */
  private void end() {
    try {
      closer.close();
    } catch (Exception e) {
      throw new AssertionError("closing the mount failed", e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      end();
      assertFalse(server.isMounted(), "still mounted after close");
      assertEquals(0, server.unansweredRequests(), "unanswered requests at unmount");
      assertEquals(kernelFdsBefore, kernelFds(), "kernel fds leaked by the server");
      ServerThreads.assertNoneLeftSince(threadsBefore);
    } finally {
      // the temporary directory goes whatever failed, but never through a mount still live
      if (!server.isMounted()) {
        deleteTree(dir);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(s.toList());
      all.sort((a, b) -> b.getNameCount() - a.getNameCount());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Open fds of this process pointing at /dev/fuse, io_uring, eventfd or epoll, by kind. */
  public static Map<String, Integer> kernelFds() throws IOException {
    Map<String, Integer> m = new TreeMap<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.equals("/dev/fuse") || target.startsWith("anon_inode:[io_uring")
              || target.startsWith("anon_inode:[eventfd") || target.startsWith("anon_inode:[eventpoll")) {
            m.merge(target, 1, Integer::sum);
          }
        } catch (IOException e) {
          // the fd closed while listing (the listing's own directory fd)
        }
      }
    }
    return m;
  }
}
