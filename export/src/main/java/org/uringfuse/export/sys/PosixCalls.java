package org.uringfuse.export.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.uringfuse.ring.sys.Native.errnoFunction;
import static org.uringfuse.ring.sys.Native.errnoState;
import static org.uringfuse.ring.sys.Native.rethrow;
import static org.uringfuse.ring.sys.Native.result;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** libc calls for the passthrough and image exports. Thread-safe. */
public final class PosixCalls {
  private PosixCalls() {}

  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 01;
  public static final int O_RDWR = 02;
  public static final int O_ACCMODE = 03;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_NOCTTY = 0400;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_NONBLOCK = 04000;
  public static final int O_DIRECT = 040000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_NOFOLLOW = 0400000;
  public static final int O_NOATIME = 01000000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;

  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int AT_REMOVEDIR = 0x200;
  public static final int AT_SYMLINK_FOLLOW = 0x400;
  public static final int AT_EMPTY_PATH = 0x1000;

  public static final long UTIME_NOW = (1L << 30) - 1;
  public static final long UTIME_OMIT = (1L << 30) - 2;

  public static final int SEEK_SET = 0;
  public static final int SEEK_DATA = 3;
  public static final int SEEK_HOLE = 4;

  public static final int LOCK_EX = 2;
  public static final int LOCK_NB = 4;

  private static final long SYS_getdents64 = 217;

  private static final MethodHandle OPENAT = errnoFunction("openat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
  private static final MethodHandle FCHOWNAT = errnoFunction("fchownat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle FCHMODAT = errnoFunction("fchmodat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle UTIMENSAT = errnoFunction("utimensat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle FUTIMENS = errnoFunction("futimens",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle READLINKAT = errnoFunction("readlinkat",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
  private static final MethodHandle MKNODAT = errnoFunction("mknodat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
  private static final MethodHandle GETXATTR = errnoFunction("getxattr",
      FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
  private static final MethodHandle SETXATTR = errnoFunction("setxattr",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle LISTXATTR = errnoFunction("listxattr",
      FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
  private static final MethodHandle REMOVEXATTR = errnoFunction("removexattr",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle FSTATVFS = errnoFunction("fstatvfs",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle SYSCALL3 = errnoFunction("syscall",
      FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), Linker.Option.firstVariadicArg(1));
  private static final MethodHandle LSEEK = errnoFunction("lseek",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
  private static final MethodHandle COPY_FILE_RANGE = errnoFunction("copy_file_range",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle TRUNCATE = errnoFunction("truncate",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle FLOCK = errnoFunction("flock",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle DUP = errnoFunction("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  public static int openat(int dirfd, MemorySegment path, int flags, int mode) {
    MemorySegment st = errnoState();
    try {
      return result((int) OPENAT.invokeExact(st, dirfd, path, flags, mode), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
    MemorySegment st = errnoState();
    try {
      return result((int) FCHOWNAT.invokeExact(st, dirfd, path, uid, gid, flags), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
    MemorySegment st = errnoState();
    try {
      return result((int) FCHMODAT.invokeExact(st, dirfd, path, mode, flags), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code times}: two {@code struct timespec} (atime, mtime), or NULL for "now". */
  public static int utimensat(int dirfd, MemorySegment path, MemorySegment times, int flags) {
    MemorySegment st = errnoState();
    try {
      return result((int) UTIMENSAT.invokeExact(st, dirfd, path, times, flags), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int futimens(int fd, MemorySegment times) {
    MemorySegment st = errnoState();
    try {
      return result((int) FUTIMENS.invokeExact(st, fd, times), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static long readlinkat(int dirfd, MemorySegment path, MemorySegment buf) {
    MemorySegment st = errnoState();
    try {
      return result((long) READLINKAT.invokeExact(st, dirfd, path, buf, buf.byteSize()), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int mknodat(int dirfd, MemorySegment path, int mode, long dev) {
    MemorySegment st = errnoState();
    try {
      return result((int) MKNODAT.invokeExact(st, dirfd, path, mode, dev), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static long getxattr(MemorySegment path, MemorySegment name, MemorySegment value) {
    MemorySegment st = errnoState();
    try {
      return result((long) GETXATTR.invokeExact(st, path, name, value, value.byteSize()), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int setxattr(MemorySegment path, MemorySegment name, MemorySegment value, int flags) {
    MemorySegment st = errnoState();
    try {
      return result((int) SETXATTR.invokeExact(st, path, name, value, value.byteSize(), flags), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static long listxattr(MemorySegment path, MemorySegment list) {
    MemorySegment st = errnoState();
    try {
      return result((long) LISTXATTR.invokeExact(st, path, list, list.byteSize()), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int removexattr(MemorySegment path, MemorySegment name) {
    MemorySegment st = errnoState();
    try {
      return result((int) REMOVEXATTR.invokeExact(st, path, name), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code buf}: a {@code struct statvfs} (112 bytes on 64-bit Linux). */
  public static int fstatvfs(int fd, MemorySegment buf) {
    MemorySegment st = errnoState();
    try {
      return result((int) FSTATVFS.invokeExact(st, fd, buf), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** getdents64(2): fills {@code buf} with {@code struct linux_dirent64} records; 0 at the end. */
  public static long getdents64(int fd, MemorySegment buf) {
    MemorySegment st = errnoState();
    try {
      return result((long) SYSCALL3.invokeExact(st, SYS_getdents64, (long) fd, buf, buf.byteSize()), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static long lseek(int fd, long offset, int whence) {
    MemorySegment st = errnoState();
    try {
      return result((long) LSEEK.invokeExact(st, fd, offset, whence), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** copy_file_range with explicit offsets ({@code offIn}/{@code offOut}: one loff_t each, updated). */
  public static long copyFileRange(int fdIn, MemorySegment offIn, int fdOut, MemorySegment offOut, long len, int flags) {
    MemorySegment st = errnoState();
    try {
      return result((long) COPY_FILE_RANGE.invokeExact(st, fdIn, offIn, fdOut, offOut, len, flags), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int truncate(MemorySegment path, long length) {
    MemorySegment st = errnoState();
    try {
      return result((int) TRUNCATE.invokeExact(st, path, length), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int flock(int fd, int op) {
    MemorySegment st = errnoState();
    try {
      return result((int) FLOCK.invokeExact(st, fd, op), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int dup(int fd) {
    MemorySegment st = errnoState();
    try {
      return result((int) DUP.invokeExact(st, fd), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }
}
