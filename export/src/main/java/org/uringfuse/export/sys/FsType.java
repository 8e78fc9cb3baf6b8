package org.uringfuse.export.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The filesystem type of an open file ({@code f_type} of {@code struct statfs}, 120 bytes on 64-bit
 * Linux), and what it means for io_uring: which reads and writes it completes inline and which it
 * hands to an io-wq worker thread (two context switches and a thread hop per request).
 */
public record FsType(long magic) {
  private static final int BYTES = 120;
  private static final int TYPE = 0;
  /** {@code TMPFS_MAGIC} from include/uapi/linux/magic.h (tmpfs and shmem). */
  private static final long TMPFS_MAGIC = 0x01021994L;
  /** {@code RAMFS_MAGIC} from include/uapi/linux/magic.h. */
  private static final long RAMFS_MAGIC = 0x858458f6L;
  /** {@code XFS_SUPER_MAGIC} from include/uapi/linux/magic.h. */
  private static final long XFS_SUPER_MAGIC = 0x58465342L;
  /** {@code BTRFS_SUPER_MAGIC} from include/uapi/linux/magic.h. */
  private static final long BTRFS_SUPER_MAGIC = 0x9123683EL;
  /** {@code BDEVFS_MAGIC} from include/uapi/linux/magic.h: where block devices' own inodes live. */
  private static final long BDEVFS_MAGIC = 0x62646576L;

  /**
   * A block device. fstatfs on its fd describes the filesystem of the device node (devtmpfs, which
   * reports tmpfs), not the device, so a caller that knows it holds a block device says so with this.
   */
  public static final FsType BLOCK_DEVICE = new FsType(BDEVFS_MAGIC);

  /** {@code fd}'s filesystem; an unknown one (magic 0) when fstatfs fails. */
  public static FsType of(int fd) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(BYTES, 8);
      return new FsType(PosixCalls.fstatfs(fd, buf) < 0 ? 0 : buf.get(JAVA_LONG, TYPE));
    }
  }

  /**
   * tmpfs and ramfs keep data only in memory: their reads and writes are memory copies that never
   * wait, but shmem files lack FMODE_NOWAIT, so io_uring hands every one to io-wq.
   */
  public boolean memoryBacked() {
    return magic == TMPFS_MAGIC || magic == RAMFS_MAGIC;
  }

  /**
   * Whether io_uring completes a buffered (not O_DIRECT) write inline: only where the filesystem sets
   * FOP_BUFFER_WASYNC (XFS, btrfs, block devices). Elsewhere (ext4, tmpfs, NFS...) io_uring sends each buffered
   * write to io-wq, which serialises writes to one inode anyway; a pwrite on the calling thread
   * saves the two context switches (as libfuse's servers write), and the loop waits only when the
   * kernel throttles a writer that dirties memory faster than the disk takes it.
   */
  public boolean ringBufferedWrites() {
    return magic == XFS_SUPER_MAGIC || magic == BTRFS_SUPER_MAGIC || magic == BDEVFS_MAGIC;
  }

  /**
   * Whether an O_DIRECT write that io_uring issues finishes in a kernel worker: a filesystem (ext4,
   * XFS...) completes an asynchronous direct write in its dio workqueue, a second wake-up and 1.5
   * more context switches per write than a pwrite that waits (measured on ext4); a block device
   * completes it in the interrupt.
   */
  public boolean directWritesCompleteInWorker() {
    return !memoryBacked() && magic != BDEVFS_MAGIC;
  }

  /**
   * Whether io_uring completes a write to a file of this filesystem (opened O_DIRECT when
   * {@code direct}) inline or on the device, rather than in io-wq.
   */
  public boolean ringWrites(boolean direct) {
    return !memoryBacked() && (direct || ringBufferedWrites());
  }
}
