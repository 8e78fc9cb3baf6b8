package org.uringfuse.export.sys;


import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.ring.sys.Native;

/** libc calls for the passthrough and image exports. Thread-safe. */
public final class PosixCalls {
  private PosixCalls() {}

  public static final int O_RDONLY = 0;
  public static final int O_RDWR = 02;
  public static final int O_ACCMODE = 03;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_NOCTTY = 0400;
  public static final int O_TRUNC = 01000;
  public static final int O_DIRECT = 040000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_NOFOLLOW = 0400000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;

  public static final int AT_FDCWD = LibC.AT_FDCWD;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int AT_REMOVEDIR = 0x200;
  public static final int AT_EMPTY_PATH = 0x1000;

  /** The empty path of the {@code *at(fd, "", AT_EMPTY_PATH)} calls, allocated once. */
  public static final MemorySegment EMPTY_PATH = java.lang.foreign.Arena.global().allocateFrom("");

  public static final long UTIME_NOW = (1L << 30) - 1;
  public static final long UTIME_OMIT = (1L << 30) - 2;

  public static final int SEEK_SET = 0;
  public static final int SEEK_END = 2;
  public static final int SEEK_DATA = 3;
  public static final int SEEK_HOLE = 4;

  public static final int LOCK_EX = 2;
  public static final int LOCK_NB = 4;

  private static final long SYS_getdents64 = 217;

  private static final class FCHOWNAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("fchownat");
  }
  private static final class FCHMODAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("fchmodat");
  }
  private static final class UTIMENSAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("utimensat");
  }
  private static final class FUTIMENS { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("futimens");
  }
  private static final class READLINKAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("readlinkat");
  }
  private static final class MKNODAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("mknodat");
  }
  private static final class GETXATTR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("getxattr");
  }
  private static final class SETXATTR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("setxattr");
  }
  private static final class LISTXATTR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("listxattr");
  }
  private static final class REMOVEXATTR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("removexattr");
  }
  private static final class FSTATVFS { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("fstatvfs");
  }
  private static final class FSTATFS { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("fstatfs");
  }
  private static final class LSEEK { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("lseek");
  }
  private static final class COPY_FILE_RANGE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("copy_file_range");
  }
  private static final class TRUNCATE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("truncate");
  }
  private static final class FLOCK { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("flock");
  }
  private static final class DUP { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("dup");
  }

  public static int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
    return Native.intResult(Native.call(FCHOWNAT.H, dirfd, path.address(), uid, gid, flags));
  }

  public static int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
    return Native.intResult(Native.call(FCHMODAT.H, dirfd, path.address(), mode, flags));
  }

  /** {@code times}: two {@code struct timespec} (atime, mtime), or NULL for "now". */
  public static int utimensat(int dirfd, MemorySegment path, MemorySegment times, int flags) {
    return Native.intResult(Native.call(UTIMENSAT.H, dirfd, path.address(), times.address(), flags));
  }

  public static int futimens(int fd, MemorySegment times) {
    return Native.intResult(Native.call(FUTIMENS.H, fd, times.address()));
  }

  public static long readlinkat(int dirfd, MemorySegment path, MemorySegment buf) {
    return Native.longResult(Native.call(READLINKAT.H, dirfd, path.address(), buf.address(), buf.byteSize()));
  }

  public static int mknodat(int dirfd, MemorySegment path, int mode, long dev) {
    return Native.intResult(Native.call(MKNODAT.H, dirfd, path.address(), mode, dev));
  }

  public static long getxattr(MemorySegment path, MemorySegment name, MemorySegment value) {
    return Native.longResult(Native.call(GETXATTR.H, path.address(), name.address(), value.address(), value.byteSize()));
  }

  public static int setxattr(MemorySegment path, MemorySegment name, MemorySegment value, int flags) {
    return Native.intResult(Native.call(SETXATTR.H, path.address(), name.address(), value.address(), value.byteSize(), flags));
  }

  public static long listxattr(MemorySegment path, MemorySegment list) {
    return Native.longResult(Native.call(LISTXATTR.H, path.address(), list.address(), list.byteSize()));
  }

  public static int removexattr(MemorySegment path, MemorySegment name) {
    return Native.intResult(Native.call(REMOVEXATTR.H, path.address(), name.address()));
  }

  /** {@code buf}: a {@code struct statfs} (120 bytes on 64-bit Linux, {@code f_type} first). */
  public static int fstatfs(int fd, MemorySegment buf) {
    return Native.intResult(Native.call(FSTATFS.H, fd, buf.address()));
  }

  /** {@code buf}: a {@code struct statvfs} (112 bytes on 64-bit Linux). */
  public static int fstatvfs(int fd, MemorySegment buf) {
    return Native.intResult(Native.call(FSTATVFS.H, fd, buf.address()));
  }

  /** getdents64(2): fills {@code buf} with {@code struct linux_dirent64} records; 0 at the end. */
  public static long getdents64(int fd, MemorySegment buf) {
    return Native.longResult(Native.call(LibC.SYSCALL, SYS_getdents64, (long) fd, buf.address(), buf.byteSize()));
  }

  public static long lseek(int fd, long offset, int whence) {
    return Native.longResult(Native.call(LSEEK.H, fd, offset, whence));
  }

  /** copy_file_range with explicit offsets ({@code offIn}/{@code offOut}: one loff_t each, updated). */
  public static long copyFileRange(int fdIn, MemorySegment offIn, int fdOut, MemorySegment offOut, long len, int flags) {
    return Native.longResult(Native.call(COPY_FILE_RANGE.H, fdIn, offIn.address(), fdOut, offOut.address(), len, flags));
  }

  public static int truncate(MemorySegment path, long length) {
    return Native.intResult(Native.call(TRUNCATE.H, path.address(), length));
  }

  public static int flock(int fd, int op) {
    return Native.intResult(Native.call(FLOCK.H, fd, op));
  }

  public static int dup(int fd) {
    return Native.intResult(Native.call(DUP.H, fd));
  }
}
