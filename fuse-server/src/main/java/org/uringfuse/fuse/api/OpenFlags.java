package org.uringfuse.fuse.api;

import org.uringfuse.fuse.abi.FuseKernel;

/**
 * The {@code FOPEN_*} flags an OPEN, OPENDIR or CREATE answer may carry
 * ({@code ReplyOpen.ok(fh, OpenFlags.FOPEN_DIRECT_IO | ...)}), spelled as in the kernel's fuse.h.
 */
public final class OpenFlags {
  private OpenFlags() {}

  /** Bypass the page cache for this open file. */
  public static final int FOPEN_DIRECT_IO = FuseKernel.FOPEN_DIRECT_IO;
  /** Keep the page cache of the file from earlier opens. */
  public static final int FOPEN_KEEP_CACHE = FuseKernel.FOPEN_KEEP_CACHE;
  /** The file is not seekable. */
  public static final int FOPEN_NONSEEKABLE = FuseKernel.FOPEN_NONSEEKABLE;
  /** Cache the directory's entries (OPENDIR). */
  public static final int FOPEN_CACHE_DIR = FuseKernel.FOPEN_CACHE_DIR;
  /** A stream: no file position. */
  public static final int FOPEN_STREAM = FuseKernel.FOPEN_STREAM;
  /** No FLUSH at close. */
  public static final int FOPEN_NOFLUSH = FuseKernel.FOPEN_NOFLUSH;
  /** Direct writes to this file may run in parallel. */
  public static final int FOPEN_PARALLEL_DIRECT_WRITES = FuseKernel.FOPEN_PARALLEL_DIRECT_WRITES;
}
