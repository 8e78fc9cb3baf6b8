package org.uringfuse.fuse.abi;

/** Protocol constants from {@code include/uapi/linux/fuse.h}, spelled as in the kernel. */
public final class FuseKernel {
  private FuseKernel() {}

  public static final int FUSE_KERNEL_VERSION = 7;
  /** The minor we implement: 7.42 brought the FUSE-over-io_uring structs. */
  public static final int FUSE_KERNEL_MINOR_VERSION = 42;
  public static final long FUSE_ROOT_ID = 1;
  public static final int FUSE_MIN_READ_BUFFER = 8192;

  // enum fuse_opcode
  public static final int FUSE_LOOKUP = 1;
  public static final int FUSE_FORGET = 2;
  public static final int FUSE_GETATTR = 3;
  public static final int FUSE_SETATTR = 4;
  public static final int FUSE_READLINK = 5;
  public static final int FUSE_SYMLINK = 6;
  public static final int FUSE_MKNOD = 8;
  public static final int FUSE_MKDIR = 9;
  public static final int FUSE_UNLINK = 10;
  public static final int FUSE_RMDIR = 11;
  public static final int FUSE_RENAME = 12;
  public static final int FUSE_LINK = 13;
  public static final int FUSE_OPEN = 14;
  public static final int FUSE_READ = 15;
  public static final int FUSE_WRITE = 16;
  public static final int FUSE_STATFS = 17;
  public static final int FUSE_RELEASE = 18;
  public static final int FUSE_FSYNC = 20;
  public static final int FUSE_SETXATTR = 21;
  public static final int FUSE_GETXATTR = 22;
  public static final int FUSE_LISTXATTR = 23;
  public static final int FUSE_REMOVEXATTR = 24;
  public static final int FUSE_FLUSH = 25;
  public static final int FUSE_INIT = 26;
  public static final int FUSE_OPENDIR = 27;
  public static final int FUSE_READDIR = 28;
  public static final int FUSE_RELEASEDIR = 29;
  public static final int FUSE_FSYNCDIR = 30;
  public static final int FUSE_GETLK = 31;
  public static final int FUSE_SETLK = 32;
  public static final int FUSE_SETLKW = 33;
  public static final int FUSE_ACCESS = 34;
  public static final int FUSE_CREATE = 35;
  public static final int FUSE_INTERRUPT = 36;
  public static final int FUSE_BMAP = 37;
  public static final int FUSE_DESTROY = 38;
  public static final int FUSE_IOCTL = 39;
  public static final int FUSE_POLL = 40;
  public static final int FUSE_NOTIFY_REPLY = 41;
  public static final int FUSE_BATCH_FORGET = 42;
  public static final int FUSE_FALLOCATE = 43;
  public static final int FUSE_READDIRPLUS = 44;
  public static final int FUSE_RENAME2 = 45;
  public static final int FUSE_LSEEK = 46;
  public static final int FUSE_COPY_FILE_RANGE = 47;
  public static final int FUSE_SETUPMAPPING = 48;
  public static final int FUSE_REMOVEMAPPING = 49;
  public static final int FUSE_SYNCFS = 50;
  public static final int FUSE_TMPFILE = 51;
  public static final int FUSE_STATX = 52;

  /** The opcode's name as the kernel spells it without {@code FUSE_} ("LOOKUP"), or "OPCODE_n". */
  public static String opcodeName(int opcode) {
    return switch (opcode) {
      case FUSE_LOOKUP -> "LOOKUP";
      case FUSE_FORGET -> "FORGET";
      case FUSE_GETATTR -> "GETATTR";
      case FUSE_SETATTR -> "SETATTR";
      case FUSE_READLINK -> "READLINK";
      case FUSE_SYMLINK -> "SYMLINK";
      case FUSE_MKNOD -> "MKNOD";
      case FUSE_MKDIR -> "MKDIR";
      case FUSE_UNLINK -> "UNLINK";
      case FUSE_RMDIR -> "RMDIR";
      case FUSE_RENAME -> "RENAME";
      case FUSE_LINK -> "LINK";
      case FUSE_OPEN -> "OPEN";
      case FUSE_READ -> "READ";
      case FUSE_WRITE -> "WRITE";
      case FUSE_STATFS -> "STATFS";
      case FUSE_RELEASE -> "RELEASE";
      case FUSE_FSYNC -> "FSYNC";
      case FUSE_SETXATTR -> "SETXATTR";
      case FUSE_GETXATTR -> "GETXATTR";
      case FUSE_LISTXATTR -> "LISTXATTR";
      case FUSE_REMOVEXATTR -> "REMOVEXATTR";
      case FUSE_FLUSH -> "FLUSH";
      case FUSE_INIT -> "INIT";
      case FUSE_OPENDIR -> "OPENDIR";
      case FUSE_READDIR -> "READDIR";
      case FUSE_RELEASEDIR -> "RELEASEDIR";
      case FUSE_FSYNCDIR -> "FSYNCDIR";
      case FUSE_GETLK -> "GETLK";
      case FUSE_SETLK -> "SETLK";
      case FUSE_SETLKW -> "SETLKW";
      case FUSE_ACCESS -> "ACCESS";
      case FUSE_CREATE -> "CREATE";
      case FUSE_INTERRUPT -> "INTERRUPT";
      case FUSE_BMAP -> "BMAP";
      case FUSE_DESTROY -> "DESTROY";
      case FUSE_IOCTL -> "IOCTL";
      case FUSE_POLL -> "POLL";
      case FUSE_NOTIFY_REPLY -> "NOTIFY_REPLY";
      case FUSE_BATCH_FORGET -> "BATCH_FORGET";
      case FUSE_FALLOCATE -> "FALLOCATE";
      case FUSE_READDIRPLUS -> "READDIRPLUS";
      case FUSE_RENAME2 -> "RENAME2";
      case FUSE_LSEEK -> "LSEEK";
      case FUSE_COPY_FILE_RANGE -> "COPY_FILE_RANGE";
      case FUSE_SETUPMAPPING -> "SETUPMAPPING";
      case FUSE_REMOVEMAPPING -> "REMOVEMAPPING";
      case FUSE_SYNCFS -> "SYNCFS";
      case FUSE_TMPFILE -> "TMPFILE";
      case FUSE_STATX -> "STATX";
      default -> "OPCODE_" + opcode;
    };
  }

  // INIT flags (fuse_init_in.flags | flags2 << 32)
  public static final long FUSE_ASYNC_READ = 1L << 0;
  public static final long FUSE_POSIX_LOCKS = 1L << 1;
  public static final long FUSE_FILE_OPS = 1L << 2;
  public static final long FUSE_ATOMIC_O_TRUNC = 1L << 3;
  public static final long FUSE_EXPORT_SUPPORT = 1L << 4;
  public static final long FUSE_BIG_WRITES = 1L << 5;
  public static final long FUSE_DONT_MASK = 1L << 6;
  public static final long FUSE_SPLICE_WRITE = 1L << 7;
  public static final long FUSE_SPLICE_MOVE = 1L << 8;
  public static final long FUSE_SPLICE_READ = 1L << 9;
  public static final long FUSE_FLOCK_LOCKS = 1L << 10;
  public static final long FUSE_HAS_IOCTL_DIR = 1L << 11;
  public static final long FUSE_AUTO_INVAL_DATA = 1L << 12;
  public static final long FUSE_DO_READDIRPLUS = 1L << 13;
  public static final long FUSE_READDIRPLUS_AUTO = 1L << 14;
  public static final long FUSE_ASYNC_DIO = 1L << 15;
  public static final long FUSE_WRITEBACK_CACHE = 1L << 16;
  public static final long FUSE_NO_OPEN_SUPPORT = 1L << 17;
  public static final long FUSE_PARALLEL_DIROPS = 1L << 18;
  public static final long FUSE_HANDLE_KILLPRIV = 1L << 19;
  public static final long FUSE_POSIX_ACL = 1L << 20;
  public static final long FUSE_ABORT_ERROR = 1L << 21;
  public static final long FUSE_MAX_PAGES = 1L << 22;
  public static final long FUSE_CACHE_SYMLINKS = 1L << 23;
  public static final long FUSE_NO_OPENDIR_SUPPORT = 1L << 24;
  public static final long FUSE_EXPLICIT_INVAL_DATA = 1L << 25;
  public static final long FUSE_MAP_ALIGNMENT = 1L << 26;
  public static final long FUSE_SUBMOUNTS = 1L << 27;
  public static final long FUSE_HANDLE_KILLPRIV_V2 = 1L << 28;
  public static final long FUSE_SETXATTR_EXT = 1L << 29;
  public static final long FUSE_INIT_EXT = 1L << 30;
  public static final long FUSE_INIT_RESERVED = 1L << 31;
  public static final long FUSE_SECURITY_CTX = 1L << 32;
  public static final long FUSE_HAS_INODE_DAX = 1L << 33;
  public static final long FUSE_CREATE_SUPP_GROUP = 1L << 34;
  public static final long FUSE_HAS_EXPIRE_ONLY = 1L << 35;
  public static final long FUSE_DIRECT_IO_ALLOW_MMAP = 1L << 36;
  public static final long FUSE_PASSTHROUGH = 1L << 37;
  public static final long FUSE_NO_EXPORT_SUPPORT = 1L << 38;
  public static final long FUSE_HAS_RESEND = 1L << 39;
  public static final long FUSE_ALLOW_IDMAP = 1L << 40;
  public static final long FUSE_OVER_IO_URING = 1L << 41;
  public static final long FUSE_REQUEST_TIMEOUT = 1L << 42;

  // FATTR_* (fuse_setattr_in.valid)
  public static final int FATTR_MODE = 1 << 0;
  public static final int FATTR_UID = 1 << 1;
  public static final int FATTR_GID = 1 << 2;
  public static final int FATTR_SIZE = 1 << 3;
  public static final int FATTR_ATIME = 1 << 4;
  public static final int FATTR_MTIME = 1 << 5;
  public static final int FATTR_FH = 1 << 6;
  public static final int FATTR_ATIME_NOW = 1 << 7;
  public static final int FATTR_MTIME_NOW = 1 << 8;
  public static final int FATTR_LOCKOWNER = 1 << 9;
  public static final int FATTR_CTIME = 1 << 10;
  public static final int FATTR_KILL_SUIDGID = 1 << 11;

  // FOPEN_* (fuse_open_out.open_flags)
  public static final int FOPEN_DIRECT_IO = 1 << 0;
  public static final int FOPEN_KEEP_CACHE = 1 << 1;
  public static final int FOPEN_NONSEEKABLE = 1 << 2;
  public static final int FOPEN_CACHE_DIR = 1 << 3;
  public static final int FOPEN_STREAM = 1 << 4;
  public static final int FOPEN_NOFLUSH = 1 << 5;
  public static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;
  public static final int FOPEN_PASSTHROUGH = 1 << 7;

  // Other flags
  public static final int FUSE_GETATTR_FH = 1 << 0;
  public static final int FUSE_RELEASE_FLUSH = 1 << 0;
  public static final int FUSE_RELEASE_FLOCK_UNLOCK = 1 << 1;
  public static final int FUSE_FSYNC_FDATASYNC = 1 << 0;
  public static final int FUSE_WRITE_CACHE = 1 << 0;
  public static final int FUSE_WRITE_LOCKOWNER = 1 << 1;
  public static final int FUSE_WRITE_KILL_SUIDGID = 1 << 2;
  public static final int FUSE_READ_LOCKOWNER = 1 << 1;
  public static final int FUSE_SETXATTR_ACL_KILL_SGID = 1 << 0;
  /** {@code fuse_open_in.open_flags} / {@code fuse_create_in.open_flags}. */
  public static final int FUSE_OPEN_KILL_SUIDGID = 1 << 0;

  /** {@code enum fuse_ext_type}: the request extension carrying supplementary groups. */
  public static final int FUSE_EXT_GROUPS = 32;

  /** Bit 0 of {@code unique} marks an interrupt request's id. */
  public static final long FUSE_INT_REQ_BIT = 1L;
  /** Bit 63 of {@code unique} marks a resent request. */
  public static final long FUSE_UNIQUE_RESEND = 1L << 63;

  /** {@code FUSE_DEV_IOC_CLONE = _IOR(229, 0, uint32_t)}. */
  public static final long FUSE_DEV_IOC_CLONE = 0x8004E500L;

  // enum fuse_uring_cmd
  public static final int FUSE_IO_URING_CMD_INVALID = 0;
  public static final int FUSE_IO_URING_CMD_REGISTER = 1;
  public static final int FUSE_IO_URING_CMD_COMMIT_AND_FETCH = 2;
}
