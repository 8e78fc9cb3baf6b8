package org.uringfuse.fuse.proto;

import static org.uringfuse.fuse.abi.FuseKernel.*;

import org.uringfuse.fuse.abi.FuseStructs;

/**
 * The opcode table: for every opcode uringfuse serves, its fixed input struct size (what follows
 * {@code fuse_in_header}), how many NUL-terminated names follow that struct, and whether the kernel
 * expects a reply. Anything not listed is answered ENOSYS.
 */
public enum Opcode {
  LOOKUP(FUSE_LOOKUP, 0, 1, true),
  FORGET(FUSE_FORGET, FuseStructs.Forget.IN_BYTES, 0, false),
  GETATTR(FUSE_GETATTR, FuseStructs.GetattrIn.BYTES, 0, true),
  SETATTR(FUSE_SETATTR, FuseStructs.SetattrIn.BYTES, 0, true),
  READLINK(FUSE_READLINK, 0, 0, true),
  SYMLINK(FUSE_SYMLINK, 0, 2, true),
  MKNOD(FUSE_MKNOD, FuseStructs.MknodIn.BYTES, 1, true),
  MKDIR(FUSE_MKDIR, FuseStructs.MkdirIn.BYTES, 1, true),
  UNLINK(FUSE_UNLINK, 0, 1, true),
  RMDIR(FUSE_RMDIR, 0, 1, true),
  RENAME(FUSE_RENAME, FuseStructs.RenameIn.BYTES, 2, true),
  LINK(FUSE_LINK, FuseStructs.LinkIn.BYTES, 1, true),
  OPEN(FUSE_OPEN, FuseStructs.OpenIn.BYTES, 0, true),
  READ(FUSE_READ, FuseStructs.ReadWriteIn.BYTES, 0, true),
  WRITE(FUSE_WRITE, FuseStructs.ReadWriteIn.BYTES, 0, true),
  STATFS(FUSE_STATFS, 0, 0, true),
  RELEASE(FUSE_RELEASE, FuseStructs.ReleaseIn.BYTES, 0, true),
  FSYNC(FUSE_FSYNC, FuseStructs.FsyncIn.BYTES, 0, true),
  /** 16 bytes with SETXATTR_EXT, 8 without: the session picks (see {@link #fixedIn(boolean)}). */
  SETXATTR(FUSE_SETXATTR, FuseStructs.SetxattrIn.COMPAT_BYTES, 1, true),
  GETXATTR(FUSE_GETXATTR, FuseStructs.Getxattr.BYTES, 1, true),
  LISTXATTR(FUSE_LISTXATTR, FuseStructs.Getxattr.BYTES, 0, true),
  REMOVEXATTR(FUSE_REMOVEXATTR, 0, 1, true),
  FLUSH(FUSE_FLUSH, FuseStructs.FlushIn.BYTES, 0, true),
  INIT(FUSE_INIT, FuseStructs.InitIn.COMPAT_BYTES, 0, true),
  OPENDIR(FUSE_OPENDIR, FuseStructs.OpenIn.BYTES, 0, true),
  READDIR(FUSE_READDIR, FuseStructs.ReadWriteIn.BYTES, 0, true),
  RELEASEDIR(FUSE_RELEASEDIR, FuseStructs.ReleaseIn.BYTES, 0, true),
  FSYNCDIR(FUSE_FSYNCDIR, FuseStructs.FsyncIn.BYTES, 0, true),
  ACCESS(FUSE_ACCESS, FuseStructs.AccessIn.BYTES, 0, true),
  CREATE(FUSE_CREATE, FuseStructs.CreateIn.BYTES, 1, true),
  /** Answered only with EAGAIN (target not seen yet); otherwise the target's reply is the answer. */
  INTERRUPT(FUSE_INTERRUPT, FuseStructs.InterruptIn.BYTES, 0, false),
  DESTROY(FUSE_DESTROY, 0, 0, true),
  /** The kernel's answer to a NOTIFY_RETRIEVE; never replied to. */
  NOTIFY_REPLY(FUSE_NOTIFY_REPLY, 0, 0, false),
  BATCH_FORGET(FUSE_BATCH_FORGET, FuseStructs.Forget.BATCH_IN_BYTES, 0, false),
  FALLOCATE(FUSE_FALLOCATE, FuseStructs.FallocateIn.BYTES, 0, true),
  READDIRPLUS(FUSE_READDIRPLUS, FuseStructs.ReadWriteIn.BYTES, 0, true),
  RENAME2(FUSE_RENAME2, FuseStructs.RenameIn.RENAME2_BYTES, 2, true),
  LSEEK(FUSE_LSEEK, FuseStructs.Lseek.IN_BYTES, 0, true),
  COPY_FILE_RANGE(FUSE_COPY_FILE_RANGE, FuseStructs.CopyFileRangeIn.BYTES, 0, true),
  STATX(FUSE_STATX, FuseStructs.StatxIn.BYTES, 0, true);

  public final int code;
  private final int fixedIn;
  public final int nameCount;
  public final boolean replies;

  private static final Opcode[] BY_CODE = new Opcode[64];

  static {
    for (Opcode o : values()) {
      BY_CODE[o.code] = o;
    }
  }

  Opcode(int code, int fixedIn, int nameCount, boolean replies) {
    this.code = code;
    this.fixedIn = fixedIn;
    this.nameCount = nameCount;
    this.replies = replies;
  }

  /** Size of the fixed input struct; SETXATTR's depends on whether SETXATTR_EXT was negotiated. */
  public int fixedIn(boolean setxattrExt) {
    return this == SETXATTR && setxattrExt ? FuseStructs.SetxattrIn.BYTES : fixedIn;
  }

  /** The table entry for a wire opcode, or null when uringfuse does not serve it. */
  public static Opcode of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** A readable name for any opcode number, served or not. */
  public static String nameOf(int code) {
    Opcode o = of(code);
    if (o != null) {
      return o.name();
    }
    return switch (code) {
      case FUSE_GETLK -> "GETLK";
      case FUSE_SETLK -> "SETLK";
      case FUSE_SETLKW -> "SETLKW";
      case FUSE_BMAP -> "BMAP";
      case FUSE_IOCTL -> "IOCTL";
      case FUSE_POLL -> "POLL";
      case FUSE_SETUPMAPPING -> "SETUPMAPPING";
      case FUSE_REMOVEMAPPING -> "REMOVEMAPPING";
      case FUSE_SYNCFS -> "SYNCFS";
      case FUSE_TMPFILE -> "TMPFILE";
      default -> "OPCODE_" + code;
    };
  }
}
