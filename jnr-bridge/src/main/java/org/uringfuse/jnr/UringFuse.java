package org.uringfuse.jnr;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.server.FuseServer;
import ru.serce.jnrfuse.AbstractFuseFS;
import ru.serce.jnrfuse.FuseException;
import ru.serce.jnrfuse.FuseFS;

/**
 * Mounts an unchanged jnr-fuse filesystem with uringfuse: FUSE-over-io_uring when the kernel offers
 * it (else {@code /dev/fuse}), no libfuse in the request path. Replace
 * <pre>{@code fs.mount(mountPoint, blocking, debug, fuseOpts);}</pre>
 * with
 * <pre>{@code UringFuse.mount(fs, mountPoint, blocking, debug, fuseOpts);}</pre>
 * The options are libfuse 2's ({@code -o allow_other,entry_timeout=1,...}) plus uringfuse's
 * ({@code -o transport=uring,workers=8,threads=2,queue_depth=32}); see {@link BridgeOptions}.
 * {@code fs.umount()} keeps working, as does {@code getContext()} inside callbacks.
 */
public final class UringFuse {
  private UringFuse() {}

  /**
   * Same arguments as jnr-fuse's {@code mount}. With {@code blocking} the call returns once the
   * filesystem is unmounted; otherwise once the mount is live. Failures throw jnr-fuse's
   * {@link FuseException} with the reason.
   */
  public static JnrMount mount(FuseFS fs, Path mountPoint, boolean blocking, boolean debug, String... fuseOpts) {
    BridgeOptions options = BridgeOptions.defaults().withFuseArgs(fuseOpts);
    if (debug) {
      options = options.withMount(options.mount().withDebug(true));
    }
    JnrMount m = mount(fs, mountPoint, options);
    if (blocking) {
      try {
        while (!m.awaitUnmount(Duration.ofHours(1))) {
          // served until unmounted
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        m.umount();
      }
    }
    return m;
  }

  /**
   * As {@link #mount(FuseFS, Path, boolean, boolean, String...)}, constructing the filesystem here
   * ({@code UringFuse.mount(MyFs::new, ...)}): then it also works where libfuse 2 is not installed,
   * which jnr-fuse's constructor otherwise needs (see {@link LibfuseStandIn}).
   */
  public static JnrMount mount(Supplier<? extends FuseFS> factory, Path mountPoint, boolean blocking, boolean debug,
      String... fuseOpts) {
    return mount(construct(factory), mountPoint, blocking, debug, fuseOpts);
  }

  /** Constructs a jnr-fuse filesystem, with the libfuse stand-in in place when libfuse 2 is missing. */
  public static <T extends FuseFS> T construct(Supplier<T> factory) {
    boolean standIn = LibfuseStandIn.prepare();
    try {
      return factory.get();
    } catch (LinkageError e) {
      throw new FuseException(standIn
          ? "libfuse.so.2 is not installed and jnr-ffi fixed its library path before uringfuse could add a"
              + " stand-in: construct the filesystem through UringFuse before loading other jnr libraries,"
              + " or install libfuse2"
          : "constructing the jnr-fuse filesystem failed: " + e, e);
    }
  }

  /** Mounts with explicit options; returns once the mount is live. */
  public static JnrMount mount(FuseFS fs, Path mountPoint, BridgeOptions options) {
    WorkerPool workers = new WorkerPool(options.workers(), options.maxWorkers(),
        Duration.ofNanos(options.workerSpinNanos()));
    JnrFilesystem bridge = new JnrFilesystem(fs, options, workers);
    AtomicReference<JnrMount> mount = new AtomicReference<>();
    boolean initDone = false;
    try {
      if (fs instanceof AbstractFuseFS afs) {
        BridgeLibFuse.install(afs, mountPoint, () -> {
          JnrMount m = mount.get();
          if (m != null) {
            Thread.ofPlatform().daemon().start(m::umount);   // fuse_exit may come from a callback
          }
        });
      }
      // The conn struct stays valid as long as the filesystem may hold the pointer (GC-managed).
      bridge.initFilesystem(connInfo(Arena.ofAuto(), options));
      initDone = true;
      FuseServer server = FuseServer.start(bridge, mountPoint, options.mount());
      mount.set(new JnrMount(server, bridge, workers));
      return mount.get();
    } catch (IOException | RuntimeException e) {
      try {
        workers.shutdown(Duration.ofSeconds(5));
        if (initDone) {
          bridge.destroyFilesystem();   // libfuse pairs every init with a destroy
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      throw new FuseException("Unable to mount FS at " + mountPoint + ": " + e.getMessage(), e);
    }
  }

  /** libfuse 2's {@code struct fuse_conn_info} as its {@code init} callback receives it. */
  private static MemorySegment connInfo(Arena arena, BridgeOptions o) {
    MemorySegment c = arena.allocate(128, 8);   // 9 unsigned fields and reserved[23]
    c.set(ValueLayout.JAVA_INT, 0, FuseKernel.FUSE_KERNEL_VERSION);
    c.set(ValueLayout.JAVA_INT, 4, FuseKernel.FUSE_KERNEL_MINOR_VERSION);
    c.set(ValueLayout.JAVA_INT, 8, 1);                          // async_read
    c.set(ValueLayout.JAVA_INT, 12, o.mount().negotiatedMaxWrite()); // max_write as offered in FUSE_INIT
    c.set(ValueLayout.JAVA_INT, 16, 128 * 1024);                // max_readahead
    c.set(ValueLayout.JAVA_INT, 28, o.mount().maxBackground()); // max_background
    return c;
  }
}
