package org.uringfuse.ring;

import java.util.Map;

/**
 * Linux errno values (x86_64/aarch64 generic numbering) and their names: the one errno type of
 * uringfuse. Kernel results carry them negated ({@code -errno}, as {@code cqe.res} and the syscall
 * wrappers return them); a filesystem answers with the positive value
 * ({@code reply.error(Errno.ENOENT)}), as libfuse's {@code fuse_reply_err} and fuser's
 * {@code reply.error} take it.
 */
public final class Errno {
  private Errno() {}

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int E2BIG = 7;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENODEV = 19;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int ENFILE = 23;
  public static final int EMFILE = 24;
  public static final int ENOTTY = 25;
  public static final int EFBIG = 27;
  public static final int ENOSPC = 28;
  public static final int ESPIPE = 29;
  public static final int EROFS = 30;
  public static final int EMLINK = 31;
  public static final int EPIPE = 32;
  public static final int ERANGE = 34;
  public static final int EDEADLK = 35;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  public static final int ETIME = 62;
  public static final int EOVERFLOW = 75;
  public static final int ENOTSOCK = 88;
  public static final int EOPNOTSUPP = 95;
  public static final int ENOTSUP = EOPNOTSUPP;
  public static final int EADDRINUSE = 98;
  public static final int ECONNABORTED = 103;
  public static final int ECONNRESET = 104;
  public static final int ENOTCONN = 107;
  public static final int ETIMEDOUT = 110;
  public static final int ECONNREFUSED = 111;
  public static final int EALREADY = 114;
  public static final int ESTALE = 116;
  public static final int EDQUOT = 122;
  public static final int ECANCELED = 125;

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ESRCH, "ESRCH"),
      Map.entry(EINTR, "EINTR"), Map.entry(EIO, "EIO"), Map.entry(ENXIO, "ENXIO"),
      Map.entry(E2BIG, "E2BIG"), Map.entry(EBADF, "EBADF"), Map.entry(EAGAIN, "EAGAIN"),
      Map.entry(ENOMEM, "ENOMEM"), Map.entry(EACCES, "EACCES"), Map.entry(EFAULT, "EFAULT"),
      Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"), Map.entry(EXDEV, "EXDEV"),
      Map.entry(ENODEV, "ENODEV"), Map.entry(ENOTDIR, "ENOTDIR"), Map.entry(EISDIR, "EISDIR"),
      Map.entry(EINVAL, "EINVAL"), Map.entry(ENFILE, "ENFILE"), Map.entry(EMFILE, "EMFILE"),
      Map.entry(ENOTTY, "ENOTTY"), Map.entry(EFBIG, "EFBIG"), Map.entry(ENOSPC, "ENOSPC"),
      Map.entry(ESPIPE, "ESPIPE"), Map.entry(EROFS, "EROFS"), Map.entry(EMLINK, "EMLINK"),
      Map.entry(EPIPE, "EPIPE"), Map.entry(ERANGE, "ERANGE"), Map.entry(EDEADLK, "EDEADLK"),
      Map.entry(ENAMETOOLONG, "ENAMETOOLONG"), Map.entry(ENOSYS, "ENOSYS"),
      Map.entry(ENOTEMPTY, "ENOTEMPTY"), Map.entry(ELOOP, "ELOOP"), Map.entry(ENODATA, "ENODATA"),
      Map.entry(ETIME, "ETIME"), Map.entry(EOVERFLOW, "EOVERFLOW"), Map.entry(ENOTSOCK, "ENOTSOCK"),
      Map.entry(EOPNOTSUPP, "EOPNOTSUPP"), Map.entry(EADDRINUSE, "EADDRINUSE"),
      Map.entry(ECONNABORTED, "ECONNABORTED"), Map.entry(ECONNRESET, "ECONNRESET"),
      Map.entry(ENOTCONN, "ENOTCONN"), Map.entry(ETIMEDOUT, "ETIMEDOUT"),
      Map.entry(ECONNREFUSED, "ECONNREFUSED"), Map.entry(EALREADY, "EALREADY"),
      Map.entry(ESTALE, "ESTALE"), Map.entry(EDQUOT, "EDQUOT"), Map.entry(ECANCELED, "ECANCELED"));

  /**
   * The errno of a negative kernel result ({@code cqe.res}, a syscall wrapper's return). Values FUSE
   * cannot carry (the kernel accepts 1..511; kernel-internal codes such as ERESTARTSYS lie above)
   * become EIO, so a completion always has an answer to send.
   */
  public static int ofResult(long res) {
    return res < 0 && res > -512 ? (int) -res : EIO;
  }

  /** The symbolic name of an errno, positive or negative ({@code -2} and {@code 2} both give ENOENT). */
  public static String name(int errno) {
    int e = Math.abs(errno);
    return NAMES.getOrDefault(e, "errno " + e);
  }

  /** "ENOENT (2)" style text for messages. */
  public static String describe(int errno) {
    return name(errno) + " (" + Math.abs(errno) + ")";
  }
}
