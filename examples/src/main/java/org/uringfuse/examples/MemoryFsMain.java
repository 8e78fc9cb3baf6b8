package org.uringfuse.examples;

import java.nio.file.Path;
import java.time.Duration;
import org.uringfuse.fuse.server.FuseServer;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.server.SignalShutdown;
import org.uringfuse.fuse.transport.TransportKind;

/**
 * Serves a {@link MemoryFs} at a mountpoint until it is unmounted or the process gets SIGTERM/SIGINT.
 * Used by the process-level tests and the transport benchmark.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... org.uringfuse.examples.MemoryFsMain MOUNTPOINT [classic|uring|auto] [THREADS] [QUEUE_DEPTH]</pre>
 *
 * Prints {@code mounted <transport>} once the mount is live, exits 0 after a clean end.
 */
public final class MemoryFsMain {
  private MemoryFsMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: MemoryFsMain MOUNTPOINT [classic|uring|auto] [THREADS] [QUEUE_DEPTH]");
      System.exit(2);
    }
    MountOptions o = MountOptions.defaults().withFsname("memoryfs");
    if (args.length > 1) {
      o = o.withTransport(TransportKind.valueOf(args[1].toUpperCase()));
    }
    if (args.length > 2) {
      o = o.withThreads(Integer.parseInt(args[2]));
    }
    if (args.length > 3) {
      o = o.withQueueDepth(Integer.parseInt(args[3]));
    }
    FuseServer server = FuseServer.start(new MemoryFs(), Path.of(args[0]), o);
    SignalShutdown.install(server);
    System.out.println("mounted " + server.transport());
    System.out.flush();
    while (!server.awaitTermination(Duration.ofHours(1))) {
      // served until unmounted
    }
    server.close();
    System.exit(0);
  }
}
