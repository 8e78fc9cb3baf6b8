package org.uringfuse.fuse.api;

/**
 * An errno as a value: filesystem code answers with it ({@code reply.error(Errno.ENOENT)}) and never
 * throws for expected failures. Values are Linux's (positive); the wire carries the negation.
 */
public record Errno(int value) {
  public Errno {
    if (value <= 0 || value >= 512) {
      throw new IllegalArgumentException("errno out of range: " + value);
    }
  }

  public static final Errno EPERM = new Errno(org.uringfuse.ring.Errno.EPERM);
  public static final Errno ENOENT = new Errno(org.uringfuse.ring.Errno.ENOENT);
  public static final Errno EINTR = new Errno(org.uringfuse.ring.Errno.EINTR);
  public static final Errno EIO = new Errno(org.uringfuse.ring.Errno.EIO);
  public static final Errno EBADF = new Errno(org.uringfuse.ring.Errno.EBADF);
  public static final Errno EAGAIN = new Errno(org.uringfuse.ring.Errno.EAGAIN);
  public static final Errno ENOMEM = new Errno(org.uringfuse.ring.Errno.ENOMEM);
  public static final Errno EACCES = new Errno(org.uringfuse.ring.Errno.EACCES);
  public static final Errno EBUSY = new Errno(org.uringfuse.ring.Errno.EBUSY);
  public static final Errno EEXIST = new Errno(org.uringfuse.ring.Errno.EEXIST);
  public static final Errno EXDEV = new Errno(org.uringfuse.ring.Errno.EXDEV);
  public static final Errno ENOTDIR = new Errno(org.uringfuse.ring.Errno.ENOTDIR);
  public static final Errno EISDIR = new Errno(org.uringfuse.ring.Errno.EISDIR);
  public static final Errno EINVAL = new Errno(org.uringfuse.ring.Errno.EINVAL);
  public static final Errno EFBIG = new Errno(org.uringfuse.ring.Errno.EFBIG);
  public static final Errno ENOSPC = new Errno(org.uringfuse.ring.Errno.ENOSPC);
  public static final Errno EROFS = new Errno(org.uringfuse.ring.Errno.EROFS);
  public static final Errno EMLINK = new Errno(org.uringfuse.ring.Errno.EMLINK);
  public static final Errno ERANGE = new Errno(org.uringfuse.ring.Errno.ERANGE);
  public static final Errno ENAMETOOLONG = new Errno(org.uringfuse.ring.Errno.ENAMETOOLONG);
  public static final Errno ENOSYS = new Errno(org.uringfuse.ring.Errno.ENOSYS);
  public static final Errno ENOTEMPTY = new Errno(org.uringfuse.ring.Errno.ENOTEMPTY);
  public static final Errno ELOOP = new Errno(org.uringfuse.ring.Errno.ELOOP);
  public static final Errno ENODATA = new Errno(org.uringfuse.ring.Errno.ENODATA);
  public static final Errno ENXIO = new Errno(org.uringfuse.ring.Errno.ENXIO);
  public static final Errno EOVERFLOW = new Errno(org.uringfuse.ring.Errno.EOVERFLOW);
  public static final Errno EOPNOTSUPP = new Errno(org.uringfuse.ring.Errno.EOPNOTSUPP);
  public static final Errno ENOTCONN = new Errno(org.uringfuse.ring.Errno.ENOTCONN);

  /**
   * The errno of a negative kernel result ({@code cqe.res}, a syscall wrapper's return). Values FUSE
   * cannot carry (the kernel accepts 1..511; kernel-internal codes such as ERESTARTSYS lie above)
   * become EIO, so a completion handler always has an answer to send.
   */
  public static Errno ofNegative(int res) {
    return res < 0 && res > -512 ? new Errno(-res) : EIO;
  }

  @Override
  public String toString() {
    return org.uringfuse.ring.Errno.describe(value);
  }
}
