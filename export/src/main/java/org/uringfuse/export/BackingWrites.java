package org.uringfuse.export;

import org.uringfuse.export.sys.FsType;
import org.uringfuse.fuse.api.RequestIo;

/**
 * How an export writes to one backing file: a pwrite on the loop thread, or an io_uring WRITE. The
 * one rule of both exports, decided once per open file from its filesystem.
 *
 * @param pwrite always a pwrite: io_uring would hand the write to io-wq (tmpfs; buffered writes
 *     outside XFS, btrfs and block devices)
 * @param pwriteWhenAlone a pwrite when the request is {@linkplain RequestIo#alone alone}, a ring
 *     write that overlaps others when not: O_DIRECT writes that io_uring would complete in the
 *     filesystem's dio workqueue (a second wake-up per write, as measured on ext4)
 */
public record BackingWrites(boolean pwrite, boolean pwriteWhenAlone) {
  /** Writes to a file of {@code type}, opened O_DIRECT when {@code direct}. */
  public static BackingWrites of(FsType type, boolean direct) {
    return new BackingWrites(!type.ringWrites(direct), direct && type.directWritesCompleteInWorker());
  }

  /** Whether this request's write is a pwrite on the loop thread (from that thread). */
  public boolean pwrite(RequestIo io) {
    return pwrite || (pwriteWhenAlone && io.alone());
  }
}
