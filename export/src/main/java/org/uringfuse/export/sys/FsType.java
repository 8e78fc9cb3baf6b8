package org.uringfuse.export.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The filesystem type of an open file, from {@code struct statfs} (120 bytes on 64-bit Linux). */
public final class FsType {
  private FsType() {}

  private static final int BYTES = 120;
  private static final int TYPE = 0;
  /** {@code TMPFS_MAGIC} from include/uapi/linux/magic.h (tmpfs and shmem). */
  private static final long TMPFS_MAGIC = 0x01021994L;
  /** {@code RAMFS_MAGIC} from include/uapi/linux/magic.h. */
  private static final long RAMFS_MAGIC = 0x858458f6L;

  /** True when {@code fd}'s filesystem keeps its data only in memory (tmpfs, ramfs). */
  public static boolean isMemoryBacked(int fd) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(BYTES, 8);
      if (PosixCalls.fstatfs(fd, buf) < 0) {
        return false;
      }
      long type = buf.get(JAVA_LONG, TYPE);
      return type == TMPFS_MAGIC || type == RAMFS_MAGIC;
    }
  }
}
