package org.uringfuse.jnr;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.uringfuse.fuse.server.FuseServer;

/**
 * A jnr-fuse filesystem mounted by uringfuse. Ends when {@link #umount()} is called, when the
 * mountpoint is unmounted from outside ({@code umount}, {@code fusermount -u}, the filesystem's own
 * {@code umount()}), or at JVM shutdown. Ending means: the server unmounts and drains, the worker
 * pool finishes its callbacks and stops, then the filesystem's {@code destroy} runs, once.
 *
 * <p>Threads: any thread may call {@link #umount()} and {@link #awaitUnmount}; a daemon watcher
 * thread ends the mount when the kernel ends the session.
 */
public final class JnrMount implements AutoCloseable {
  private static final Logger LOG = System.getLogger(JnrMount.class.getName());
  private static final Duration WORKER_DRAIN = Duration.ofSeconds(10);

  private final FuseServer server;
  private final JnrFilesystem bridge;
  private final WorkerPool workers;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final Thread shutdownHook;

  JnrMount(FuseServer server, JnrFilesystem bridge, WorkerPool workers) {
    this.server = server;
    this.bridge = bridge;
    this.workers = workers;
    this.shutdownHook = new Thread(this::umount, "uringfuse-jnr-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    Thread watcher = new Thread(this::watch, "uringfuse-jnr-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  public Path mountPoint() {
    return server.mountpoint();
  }

  /** {@code "uring"} or {@code "classic"}: the transport the kernel and server agreed on. */
  public String transport() {
    return server.transport();
  }

  /** The uringfuse server underneath (stats, connection details). */
  public FuseServer server() {
    return server;
  }

  /** Unmounts (if still mounted), waits for the callbacks in flight, calls destroy. Idempotent. */
  public void umount() {
    server.close();
    finish();
  }

  @Override
  public void close() {
    umount();
  }

  /** Waits up to {@code timeout} for the mount to end; true once it has (and destroy has run). */
  public boolean awaitUnmount(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  public boolean isMounted() {
    return ended.getCount() > 0 && server.isMounted();
  }

  private void watch() {
    try {
      while (!server.awaitTermination(Duration.ofMinutes(1))) {
        // still serving
      }
      umount();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void finish() {
    if (ended.getCount() == 0) {
      return;   // finished before (finish is synchronized: a second call waits for the first)
    }
    try {
      if (!workers.shutdown(WORKER_DRAIN)) {
        LOG.log(Level.WARNING, "jnr-fuse callbacks still running {0} after unmount; left behind", WORKER_DRAIN);
      }
      bridge.removeHiddenFiles();
      bridge.destroyFilesystem();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // called from the hook itself
      }
      ended.countDown();
    }
  }
}
