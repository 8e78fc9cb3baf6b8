package org.uringfuse.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.server.FuseServer;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.transport.TransportKind;

/**
 * How a test's filesystem gets mounted: on a mountpoint, over a transport. For a
 * {@link Filesystem}, {@link #of(Supplier)}; for a jnr-fuse filesystem, mount it with
 * {@code UringFuse.mount} and hand over its server and the mount to close:
 *
 * <pre>{@code
 * Mounter jnr = (mnt, transport) -> {
 *   JnrMount m = UringFuse.mount(new MyJnrFs(), mnt, BridgeOptions.defaults().withTransport(transport));
 *   return new Mounter.Served(m.server(), m);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Mounter {
  /** What serves a test's mount: the server (checked at the end) and what ends it. */
  record Served(FuseServer server, AutoCloseable closer) {}

  /** Mounts at {@code mountpoint} over {@code transport}; returns once the mount is live. */
  Served mount(Path mountpoint, TransportKind transport) throws IOException;

  /** A fresh filesystem from {@code filesystems} for each mount, with default options. */
  static Mounter of(Supplier<? extends Filesystem> filesystems) {
    return of(filesystems, MountOptions.defaults());
  }

  /** A fresh filesystem from {@code filesystems} for each mount, with {@code options}. */
  static Mounter of(Supplier<? extends Filesystem> filesystems, MountOptions options) {
    return (mountpoint, transport) -> {
      FuseServer server = FuseServer.start(filesystems.get(), mountpoint, options.withTransport(transport));
      return new Served(server, server);
    };
  }
}
