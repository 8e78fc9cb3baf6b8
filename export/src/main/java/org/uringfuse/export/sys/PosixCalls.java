package org.uringfuse.export.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.uringfuse.ring.sys.Native.errnoFunction;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.uringfuse.ring.sys.Native;

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
  public static final int O_DIRECT = 040000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_NOFOLLOW = 0400000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;

  public static final int AT_FDCWD = org.uringfuse.ring.sys.LibC.AT_FDCWD;
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
    static final MethodHandle H = errnoFunction("fchownat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
  }
  private static final class FCHMODAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("fchmodat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  }
  private static final class UTIMENSAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("utimensat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  }
  private static final class FUTIMENS { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("futimens",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  }
  private static final class READLINKAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("readlinkat",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
  }
  private static final class MKNODAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("mknodat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
  }
  private static final class GETXATTR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("getxattr",
      FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
  }
  private static final class SETXATTR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("setxattr",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
  }
  private static final class LISTXATTR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("listxattr",
      FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
  }
  private static final class REMOVEXATTR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("removexattr",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  }
  private static final class FSTATVFS { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("fstatvfs",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  }
  private static final class FSTATFS { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("fstatfs",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  }
  private static final class SYSCALL3 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("syscall",
      FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), Linker.Option.firstVariadicArg(1));
  }
  private static final class LSEEK { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("lseek",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
  }
  private static final class COPY_FILE_RANGE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("copy_file_range",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  }
  private static final class TRUNCATE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("truncate",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  }
  private static final class FLOCK { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("flock",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }
  private static final class DUP { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  }
  private static final class DUP2 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }

  public static int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
    return Native.callInt(st -> (int) FCHOWNAT.H.invokeExact(st, dirfd, path, uid, gid, flags));
  }

  public static int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
    return Native.callInt(st -> (int) FCHMODAT.H.invokeExact(st, dirfd, path, mode, flags));
  }

  /** {@code times}: two {@code struct timespec} (atime, mtime), or NULL for "now". */
  public static int utimensat(int dirfd, MemorySegment path, MemorySegment times, int flags) {
    return Native.callInt(st -> (int) UTIMENSAT.H.invokeExact(st, dirfd, path, times, flags));
  }

  public static int futimens(int fd, MemorySegment times) {
    return Native.callInt(st -> (int) FUTIMENS.H.invokeExact(st, fd, times));
  }

  public static long readlinkat(int dirfd, MemorySegment path, MemorySegment buf) {
    return Native.callLong(st -> (long) READLINKAT.H.invokeExact(st, dirfd, path, buf, buf.byteSize()));
  }

  public static int mknodat(int dirfd, MemorySegment path, int mode, long dev) {
    return Native.callInt(st -> (int) MKNODAT.H.invokeExact(st, dirfd, path, mode, dev));
  }

  public static long getxattr(MemorySegment path, MemorySegment name, MemorySegment value) {
    return Native.callLong(st -> (long) GETXATTR.H.invokeExact(st, path, name, value, value.byteSize()));
  }

  public static int setxattr(MemorySegment path, MemorySegment name, MemorySegment value, int flags) {
    return Native.callInt(st -> (int) SETXATTR.H.invokeExact(st, path, name, value, value.byteSize(), flags));
  }

  public static long listxattr(MemorySegment path, MemorySegment list) {
    return Native.callLong(st -> (long) LISTXATTR.H.invokeExact(st, path, list, list.byteSize()));
  }

  public static int removexattr(MemorySegment path, MemorySegment name) {
    return Native.callInt(st -> (int) REMOVEXATTR.H.invokeExact(st, path, name));
  }

  /** {@code buf}: a {@code struct statfs} (120 bytes on 64-bit Linux, {@code f_type} first). */
  public static int fstatfs(int fd, MemorySegment buf) {
    return Native.callInt(st -> (int) FSTATFS.H.invokeExact(st, fd, buf));
  }

  /** {@code buf}: a {@code struct statvfs} (112 bytes on 64-bit Linux). */
  public static int fstatvfs(int fd, MemorySegment buf) {
    return Native.callInt(st -> (int) FSTATVFS.H.invokeExact(st, fd, buf));
  }

  /** getdents64(2): fills {@code buf} with {@code struct linux_dirent64} records; 0 at the end. */
  public static long getdents64(int fd, MemorySegment buf) {
    return Native.callLong(st -> (long) SYSCALL3.H.invokeExact(st, SYS_getdents64, (long) fd, buf, buf.byteSize()));
  }

  public static long lseek(int fd, long offset, int whence) {
    return Native.callLong(st -> (long) LSEEK.H.invokeExact(st, fd, offset, whence));
  }

  /** copy_file_range with explicit offsets ({@code offIn}/{@code offOut}: one loff_t each, updated). */
  public static long copyFileRange(int fdIn, MemorySegment offIn, int fdOut, MemorySegment offOut, long len, int flags) {
    return Native.callLong(st -> (long) COPY_FILE_RANGE.H.invokeExact(st, fdIn, offIn, fdOut, offOut, len, flags));
  }

  public static int truncate(MemorySegment path, long length) {
    return Native.callInt(st -> (int) TRUNCATE.H.invokeExact(st, path, length));
  }

  public static int flock(int fd, int op) {
    return Native.callInt(st -> (int) FLOCK.H.invokeExact(st, fd, op));
  }

  public static int dup(int fd) {
    return Native.callInt(st -> (int) DUP.H.invokeExact(st, fd));
  }

  public static int dup2(int oldFd, int newFd) {
    return Native.callInt(st -> (int) DUP2.H.invokeExact(st, oldFd, newFd));
  }
}
