package org.uringfuse.jnr;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.AbstractFuseFS;
import ru.serce.jnrfuse.LibFuse;
import ru.serce.jnrfuse.struct.FuseBufvec;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseOperations;
import ru.serce.jnrfuse.struct.FusePollhandle;

/**
 * What a jnr-fuse filesystem reaches through {@code AbstractFuseFS.libFuse} while uringfuse serves
 * it. {@code getContext()} is the one call filesystems make during a callback (who is asking, with
 * which umask): it answers from the calling worker's {@link CallScratch}, filled from the request,
 * where libfuse would answer from its thread-local context. {@code fuse_exit} ends the mount.
 * libfuse's own loop and buffer functions are not available: uringfuse is the loop.
 *
 * <p>Threads: any; state is per worker thread.
 */
final class BridgeLibFuse implements LibFuse {
  private final Runnable exit;

  private BridgeLibFuse(Runnable exit) {
    this.exit = exit;
  }

  /**
   * Points {@code fs.libFuse} at a bridge instance, and marks the filesystem mounted at
   * {@code mountPoint} so that its own {@code umount()} unmounts (jnr-fuse runs fusermount/umount).
   */
  static void install(AbstractFuseFS fs, java.nio.file.Path mountPoint, Runnable exit) {
    try {
      Field libFuse = AbstractFuseFS.class.getDeclaredField("libFuse");
      libFuse.setAccessible(true);
      libFuse.set(fs, new BridgeLibFuse(exit));
      Field mp = AbstractFuseFS.class.getDeclaredField("mountPoint");
      mp.setAccessible(true);
      mp.set(fs, mountPoint);
      Field mounted = AbstractFuseFS.class.getDeclaredField("mounted");
      mounted.setAccessible(true);
      ((AtomicBoolean) mounted.get(fs)).set(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot adapt this jnr-fuse version's AbstractFuseFS: " + e, e);
    }
  }

  @Override
  public FuseContext fuse_get_context() {
    return CallScratch.current().context;
  }

  @Override
  public void fuse_exit(Pointer fuse) {
    exit.run();
  }

  @Override
  public int fuse_main_real(int argc, String[] argv, FuseOperations op, int opSize, Pointer userData) {
    throw new UnsupportedOperationException("this filesystem is served by uringfuse; mount it through UringFuse");
  }

  @Override
  public long fuse_buf_size(FuseBufvec bufv) {
    throw new UnsupportedOperationException("fuse_buf_size: libfuse buffers are not used by uringfuse");
  }

  @Override
  public long fuse_buf_copy(FuseBufvec dst, FuseBufvec src, int flags) {
    throw new UnsupportedOperationException("fuse_buf_copy: libfuse buffers are not used by uringfuse");
  }

  @Override
  public void fuse_pollhandle_destroy(FusePollhandle ph) {
    throw new UnsupportedOperationException("poll is not supported by the uringfuse bridge");
  }

  @Override
  public int fuse_notify_poll(FusePollhandle ph) {
    throw new UnsupportedOperationException("poll is not supported by the uringfuse bridge");
  }
}
