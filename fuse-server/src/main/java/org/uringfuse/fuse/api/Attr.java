package org.uringfuse.fuse.api;

/**
 * File attributes as the kernel caches them ({@code struct fuse_attr}). {@code mode} includes the
 * file type bits ({@code S_IFREG}, {@code S_IFDIR}, ...); {@code blocks} counts 512-byte units.
 */
public record Attr(long ino, long size, long blocks,
    long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec, long ctimeSec, int ctimeNsec,
    int mode, int nlink, int uid, int gid, int rdev, int blksize) {

  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  /** The {@code DT_*} directory-entry type of this mode. */
  /**
   * {@code mode} after a write, truncate or ACL change by a caller without CAP_FSETID, by the
   * kernel's rule: set-user-ID goes; set-group-ID goes only from a group-executable file (without
   * group execute it marks mandatory locking, and stays). See {@link Request#killSuidGid}.
   */
  public static int withoutSetIdBits(int mode) {
    int m = mode & ~04000;
    return (m & 02010) == 02010 ? m & ~02000 : m;
  }

  public static int direntType(int mode) {
    return (mode & S_IFMT) >>> 12;
  }

  public boolean isDirectory() {
    return (mode & S_IFMT) == S_IFDIR;
  }
}
