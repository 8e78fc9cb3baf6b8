package org.uringfuse.fuse.api;

import org.uringfuse.fuse.abi.FuseKernel;

/**
 * The INIT flags a filesystem may ask for ({@link Filesystem#wantedInitFlags}) or decline
 * ({@link Filesystem#declinedInitFlags}), spelled as in the kernel's fuse.h. The session asks for
 * ASYNC_READ, ATOMIC_O_TRUNC, BIG_WRITES, PARALLEL_DIROPS, MAX_PAGES, HANDLE_KILLPRIV_V2,
 * SETXATTR_EXT, ASYNC_DIO and AUTO_INVAL_DATA by itself.
 */
public final class InitFlags {
  private InitFlags() {}

  /** The kernel opens with O_TRUNC instead of sending a SETATTR of size 0 after the open. */
  public static final long FUSE_ATOMIC_O_TRUNC = FuseKernel.FUSE_ATOMIC_O_TRUNC;
  /** The kernel does not apply the umask: the filesystem gets it with CREATE, MKDIR, MKNOD. */
  public static final long FUSE_DONT_MASK = FuseKernel.FUSE_DONT_MASK;
  /** The kernel caches writes and sends them later (write-back). */
  public static final long FUSE_WRITEBACK_CACHE = FuseKernel.FUSE_WRITEBACK_CACHE;
  /** The filesystem stores POSIX ACLs; the kernel checks them (with default_permissions). */
  public static final long FUSE_POSIX_ACL = FuseKernel.FUSE_POSIX_ACL;
  /** The filesystem clears set-id bits itself when asked (see {@code Request#killSuidGid}). */
  public static final long FUSE_HANDLE_KILLPRIV_V2 = FuseKernel.FUSE_HANDLE_KILLPRIV_V2;
  /** CREATE, MKDIR, MKNOD and SYMLINK carry the caller's supplementary group of the parent. */
  public static final long FUSE_CREATE_SUPP_GROUP = FuseKernel.FUSE_CREATE_SUPP_GROUP;
  /** Shared mmap of files opened with FOPEN_DIRECT_IO. */
  public static final long FUSE_DIRECT_IO_ALLOW_MMAP = FuseKernel.FUSE_DIRECT_IO_ALLOW_MMAP;
}
