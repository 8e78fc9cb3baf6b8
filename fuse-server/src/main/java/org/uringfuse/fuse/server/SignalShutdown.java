package org.uringfuse.fuse.server;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end a served mount cleanly: unmount, drain, free, exit 0. Installed by
 * programs that serve a mount in the foreground (the {@code uringfuse} command, the examples).
 *
 * <p>Threads: the JVM runs signal handlers on its own thread; {@code close()} is synchronized and
 * bounded, and the process exits when it returns.
 */
public final class SignalShutdown {
  private static final System.Logger LOG = System.getLogger(SignalShutdown.class.getName());

  private SignalShutdown() {}

  /** On SIGTERM/SIGINT: {@code server.close()}, then exit with status 0. */
  public static void install(FuseServer server) {
    AtomicBoolean once = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), sig -> {
        if (!once.compareAndSet(false, true)) {
          return;
        }
        LOG.log(Level.INFO, "SIG{0}: unmounting {1}", sig.getName(), server.mountpoint());
        int status = 0;
        try {
          server.close();
        } catch (RuntimeException e) {
          LOG.log(Level.ERROR, "clean shutdown failed", e);
          status = 1;
        }
        System.exit(status);
      });
    }
  }
}
