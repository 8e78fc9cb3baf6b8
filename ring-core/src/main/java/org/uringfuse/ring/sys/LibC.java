package org.uringfuse.ring.sys;

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

/**
 * libc wrappers used by the ring, the event loops and the epoll backend's worker threads.
 * Every method returns {@code >= 0} on success and {@code -errno} on failure. Thread-safe.
 */
public final class LibC {
  private LibC() {}

  public static final int PROT_READ = 0x1;
  public static final int PROT_WRITE = 0x2;
  public static final int MAP_SHARED = 0x01;
  public static final int MAP_POPULATE = 0x8000;
  public static final int EFD_CLOEXEC = 0x80000;
  public static final int EFD_NONBLOCK = 0x800;
  public static final int AT_FDCWD = -100;

  private static final class MMAP { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("mmap",
      FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
  }
  private static final class MUNMAP { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("munmap",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  }
  private static final class CLOSE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("close", Native.INT_INT);
  }
  private static final class EVENTFD { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("eventfd",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }
  private static final class READ { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("read",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  }
  private static final class WRITE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("write",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  }
  private static final class GETRUSAGE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("getrusage",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  }
  private static final class PREAD { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("pread",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
  }
  private static final class PWRITE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("pwrite",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
  }
  private static final class PREADV { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("preadv",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
  }
  private static final class PWRITEV { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("pwritev",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
  }
  private static final class FSYNC { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("fsync", Native.INT_INT);
  }
  private static final class FDATASYNC { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("fdatasync", Native.INT_INT);
  }
  private static final class FALLOCATE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("fallocate",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
  }
  private static final class FTRUNCATE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("ftruncate",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
  }
  private static final class OPENAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("openat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
      Linker.Option.firstVariadicArg(3));
  }
  private static final class STATX { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("statx",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
  }
  private static final class RENAMEAT2 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("renameat2",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
  }
  private static final class UNLINKAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("unlinkat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  }
  private static final class MKDIRAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("mkdirat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  }
  private static final class SYMLINKAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("symlinkat",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
  }
  private static final class LINKAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("linkat",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
  }
  private static final class ACCEPT4 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("accept4",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  }
  private static final class CONNECT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("connect",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  }
  private static final class SEND { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("send",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  }
  private static final class RECV { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("recv",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  }
  private static final class SHUTDOWN { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("shutdown",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }
  private static final class READV { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("readv",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  }
  private static final class WRITEV { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("writev",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  }
  private static final class EPOLL_CREATE1 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("epoll_create1", Native.INT_INT);
  }
  private static final class EPOLL_CTL { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("epoll_ctl",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  }
  private static final class EPOLL_WAIT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("epoll_wait",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  }
  private static final class SOCKET { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("socket",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  }
  private static final class SOCKETPAIR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("socketpair",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  }
  private static final class BIND { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("bind",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  }
  private static final class LISTEN { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("listen",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }
  private static final class SCHED_SETAFFINITY { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("sched_setaffinity",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
  }
  private static final class PIPE2 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = errnoFunction("pipe2",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  }

  public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset) {
    MemorySegment st = errnoState();
    try {
      MemorySegment p = (MemorySegment) MMAP.H.invokeExact(st, MemorySegment.NULL, length, prot, flags, fd, offset);
      if (p.address() == -1L) {
        throw new MmapException(-Native.errno(st));
      }
      return Native.ofAddress(p.address(), length);
    } catch (MmapException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Thrown by {@link #mmap} with the negative errno. */
  public static final class MmapException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int negErrno;

    MmapException(int negErrno) {
      super("mmap failed: " + org.uringfuse.ring.Errno.describe(negErrno));
      this.negErrno = negErrno;
    }
  }

  public static int munmap(MemorySegment segment) {
    return Native.callInt(st -> (int) MUNMAP.H.invokeExact(st, segment, segment.byteSize()));
  }

  public static int close(int fd) {
    return Native.callInt(st -> (int) CLOSE.H.invokeExact(st, fd));
  }

  public static int eventfd(int initval, int flags) {
    return Native.callInt(st -> (int) EVENTFD.H.invokeExact(st, initval, flags));
  }

  public static long read(int fd, MemorySegment buf, long count) {
    return Native.callLong(st -> (long) READ.H.invokeExact(st, fd, buf, count));
  }

  public static long write(int fd, MemorySegment buf, long count) {
    return Native.callLong(st -> (long) WRITE.H.invokeExact(st, fd, buf, count));
  }

  public static long pread(int fd, MemorySegment buf, long count, long offset) {
    return Native.callLong(st -> (long) PREAD.H.invokeExact(st, fd, buf, count, offset));
  }

  public static long pwrite(int fd, MemorySegment buf, long count, long offset) {
    return Native.callLong(st -> (long) PWRITE.H.invokeExact(st, fd, buf, count, offset));
  }

  public static long preadv(int fd, MemorySegment iov, int iovcnt, long offset) {
    return Native.callLong(st -> (long) PREADV.H.invokeExact(st, fd, iov, iovcnt, offset));
  }

  public static long pwritev(int fd, MemorySegment iov, int iovcnt, long offset) {
    return Native.callLong(st -> (long) PWRITEV.H.invokeExact(st, fd, iov, iovcnt, offset));
  }

  public static int fsync(int fd) {
    return Native.callInt(st -> (int) FSYNC.H.invokeExact(st, fd));
  }

  public static int fdatasync(int fd) {
    return Native.callInt(st -> (int) FDATASYNC.H.invokeExact(st, fd));
  }

  public static int fallocate(int fd, int mode, long offset, long length) {
    return Native.callInt(st -> (int) FALLOCATE.H.invokeExact(st, fd, mode, offset, length));
  }

  public static int ftruncate(int fd, long length) {
    return Native.callInt(st -> (int) FTRUNCATE.H.invokeExact(st, fd, length));
  }

  public static int openat(int dirfd, MemorySegment path, int flags, int mode) {
    return Native.callInt(st -> (int) OPENAT.H.invokeExact(st, dirfd, path, flags, mode));
  }

  public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statxbuf) {
    return Native.callInt(st -> (int) STATX.H.invokeExact(st, dirfd, path, flags, mask, statxbuf));
  }

  public static int renameat2(int olddirfd, MemorySegment oldpath, int newdirfd, MemorySegment newpath, int flags) {
    return Native.callInt(st -> (int) RENAMEAT2.H.invokeExact(st, olddirfd, oldpath, newdirfd, newpath, flags));
  }

  public static int unlinkat(int dirfd, MemorySegment path, int flags) {
    return Native.callInt(st -> (int) UNLINKAT.H.invokeExact(st, dirfd, path, flags));
  }

  public static int mkdirat(int dirfd, MemorySegment path, int mode) {
    return Native.callInt(st -> (int) MKDIRAT.H.invokeExact(st, dirfd, path, mode));
  }

  public static int symlinkat(MemorySegment target, int newdirfd, MemorySegment linkpath) {
    return Native.callInt(st -> (int) SYMLINKAT.H.invokeExact(st, target, newdirfd, linkpath));
  }

  public static int linkat(int olddirfd, MemorySegment oldpath, int newdirfd, MemorySegment newpath, int flags) {
    return Native.callInt(st -> (int) LINKAT.H.invokeExact(st, olddirfd, oldpath, newdirfd, newpath, flags));
  }

  public static int accept4(int fd, MemorySegment addr, MemorySegment addrlen, int flags) {
    return Native.callInt(st -> (int) ACCEPT4.H.invokeExact(st, fd, addr, addrlen, flags));
  }

  public static int connect(int fd, MemorySegment addr, int addrlen) {
    return Native.callInt(st -> (int) CONNECT.H.invokeExact(st, fd, addr, addrlen));
  }

  public static long send(int fd, MemorySegment buf, long len, int flags) {
    return Native.callLong(st -> (long) SEND.H.invokeExact(st, fd, buf, len, flags));
  }

  public static long recv(int fd, MemorySegment buf, long len, int flags) {
    return Native.callLong(st -> (long) RECV.H.invokeExact(st, fd, buf, len, flags));
  }

  public static int shutdown(int fd, int how) {
    return Native.callInt(st -> (int) SHUTDOWN.H.invokeExact(st, fd, how));
  }

  /** pipe2(2) into a two-int segment: [read end, write end]. */
  public static int pipe2(MemorySegment fds, int flags) {
    return Native.callInt(st -> (int) PIPE2.H.invokeExact(st, fds, flags));
  }

  public static long readv(int fd, MemorySegment iov, int iovcnt) {
    return Native.callLong(st -> (long) READV.H.invokeExact(st, fd, iov, iovcnt));
  }

  public static long writev(int fd, MemorySegment iov, int iovcnt) {
    return Native.callLong(st -> (long) WRITEV.H.invokeExact(st, fd, iov, iovcnt));
  }

  public static final int EPOLL_CLOEXEC = 0x80000;
  public static final int EPOLL_CTL_ADD = 1;
  public static final int EPOLL_CTL_DEL = 2;
  public static final int EPOLL_CTL_MOD = 3;
  public static final int EPOLLONESHOT = 1 << 30;
  public static final int EPOLLET = 1 << 31;

  public static int epollCreate1(int flags) {
    return Native.callInt(st -> (int) EPOLL_CREATE1.H.invokeExact(st, flags));
  }

  /** {@code event} is an {@link EpollEvent} (NULL for EPOLL_CTL_DEL). */
  public static int epollCtl(int epfd, int op, int fd, MemorySegment event) {
    return Native.callInt(st -> (int) EPOLL_CTL.H.invokeExact(st, epfd, op, fd, event));
  }

  public static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
    return Native.callInt(st -> (int) EPOLL_WAIT.H.invokeExact(st, epfd, events, maxEvents, timeoutMillis));
  }

  public static final int AF_UNIX = 1;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;

  public static int socket(int domain, int type, int protocol) {
    return Native.callInt(st -> (int) SOCKET.H.invokeExact(st, domain, type, protocol));
  }

  /** socketpair(2) into a two-int segment. */
  public static int socketpair(int domain, int type, int protocol, MemorySegment fds) {
    return Native.callInt(st -> (int) SOCKETPAIR.H.invokeExact(st, domain, type, protocol, fds));
  }

  public static int bind(int fd, MemorySegment addr, int addrlen) {
    return Native.callInt(st -> (int) BIND.H.invokeExact(st, fd, addr, addrlen));
  }

  public static int listen(int fd, int backlog) {
    return Native.callInt(st -> (int) LISTEN.H.invokeExact(st, fd, backlog));
  }

  /** Pins the calling thread to one CPU (sched_setaffinity(0, ...)). */
  /** {@code RUSAGE_THREAD}: the calling thread's usage (include/uapi/linux/resource.h). */
  public static final int RUSAGE_THREAD = 1;
  /** {@code sizeof(struct rusage)} on 64-bit Linux. */
  public static final int RUSAGE_BYTES = 144;
  /** Offset of {@code ru_nivcsw} in {@code struct rusage}: two timevals, then the 14th long. */
  private static final long RU_NIVCSW = 32 + 13 * 8;

  /**
   * Involuntary context switches of the calling thread so far ({@code ru_nivcsw}): preemptions, and
   * sched_yield calls that let another thread run. {@code scratch}: {@link #RUSAGE_BYTES} bytes.
   */
  public static long involuntarySwitches(MemorySegment scratch) {
    int r = Native.callInt(st -> (int) GETRUSAGE.H.invokeExact(st, RUSAGE_THREAD, scratch));
    return r < 0 ? r : scratch.get(JAVA_LONG, RU_NIVCSW);
  }

  public static int pinCurrentThread(int cpu) {
    try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
      MemorySegment mask = a.allocate(128, 8);   // cpu_set_t: 1024 bits
      mask.set(JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
      return Native.callInt(st -> (int) SCHED_SETAFFINITY.H.invokeExact(st, 0, 128L, mask));
    }
  }
}
