package org.uringfuse.export.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.ring.sys.LibC;

/** {@code struct statx} (256 bytes): the fields uringfuse reads, and the conversion to {@link Attr}. */
public final class StatxBuffer {
  private StatxBuffer() {}

  public static final int BYTES = 256;
  public static final int STATX_BASIC_STATS = 0x7ff;
  public static final int STATX_BTIME = 0x800;

  static final int BLKSIZE = 4;
  static final int NLINK = 16;
  static final int UID = 20;
  static final int GID = 24;
  static final int MODE = 28;
  static final int INO = 32;
  static final int SIZE = 40;
  static final int BLOCKS = 48;
  static final int ATIME = 64;
  static final int BTIME = 80;
  static final int CTIME = 96;
  static final int MTIME = 112;
  static final int RDEV_MAJOR = 128;
  static final int RDEV_MINOR = 132;
  static final int DEV_MAJOR = 136;
  static final int DEV_MINOR = 140;

  /** statx(2) of what the open {@code fd} refers to ({@code AT_EMPTY_PATH}) into {@code st}: 0 or -errno. */
  public static int ofFd(int fd, int mask, MemorySegment st) {
    return LibC.statx(fd, PosixCalls.EMPTY_PATH,
        PosixCalls.AT_EMPTY_PATH | PosixCalls.AT_SYMLINK_NOFOLLOW, mask, st);
  }

  public static int mode(MemorySegment s) {
    return s.get(JAVA_SHORT, MODE) & 0xffff;
  }

  public static long ino(MemorySegment s) {
    return s.get(JAVA_LONG, INO);
  }

  public static long size(MemorySegment s) {
    return s.get(JAVA_LONG, SIZE);
  }

  public static int uid(MemorySegment s) {
    return s.get(JAVA_INT, UID);
  }

  public static int gid(MemorySegment s) {
    return s.get(JAVA_INT, GID);
  }

  public static long blocks(MemorySegment s) {
    return s.get(JAVA_LONG, BLOCKS);
  }

  /** The device, as one number (major << 32 | minor), to key inodes by (dev, ino). */
  public static long dev(MemorySegment s) {
    return ((long) s.get(JAVA_INT, DEV_MAJOR) << 32) | (s.get(JAVA_INT, DEV_MINOR) & 0xffffffffL);
  }

  public static long btimeSec(MemorySegment s) {
    return s.get(JAVA_LONG, BTIME);
  }

  public static int btimeNsec(MemorySegment s) {
    return s.get(JAVA_INT, BTIME + 8);
  }

  /** The Linux dev_t encoding of the rdev (what FUSE's 32-bit rdev carries). */
  public static int rdev(MemorySegment s) {
    int major = s.get(JAVA_INT, RDEV_MAJOR);
    int minor = s.get(JAVA_INT, RDEV_MINOR);
    return ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
  }

  public static Attr toAttr(MemorySegment s) {
    return new Attr(ino(s), size(s), blocks(s),
        s.get(JAVA_LONG, ATIME), s.get(JAVA_INT, ATIME + 8),
        s.get(JAVA_LONG, MTIME), s.get(JAVA_INT, MTIME + 8),
        s.get(JAVA_LONG, CTIME), s.get(JAVA_INT, CTIME + 8),
        mode(s), s.get(JAVA_INT, NLINK), uid(s), gid(s), rdev(s), s.get(JAVA_INT, BLKSIZE));
  }
}
