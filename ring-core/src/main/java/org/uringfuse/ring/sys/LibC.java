package org.uringfuse.ring.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.uringfuse.ring.Errno;

/**
 * libc wrappers used by the ring, the event loops and the epoll backend's worker threads.
 * Every method returns {@code >= 0} on success and {@code -errno} on failure. Thread-safe.
 */
public final class LibC {
  private LibC() {}

  public static final int PROT_READ = 0x1;
  public static final int PROT_WRITE = 0x2;
  public static final int MAP_SHARED = 0x01;
  public static final int MAP_PRIVATE = 0x02;
  public static final int MAP_ANONYMOUS = 0x20;
  public static final int MAP_POPULATE = 0x8000;
  public static final int EFD_CLOEXEC = 0x80000;
  public static final int EFD_NONBLOCK = 0x800;
  public static final int AT_FDCWD = -100;
  public static final int MSG_DONTWAIT = 0x40;

  /**
   * libc's {@code syscall(2)}: the one handle for every system call libc has no wrapper for
   * (io_uring's three, openat2, getdents64, a thread's own setgroups); the number comes first.
   */
  public static final MethodHandle SYSCALL = Native.function("syscall");

  private static final class MMAP { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("mmap");
  }
  private static final class MUNMAP { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("munmap");
  }
  private static final class CLOSE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("close");
  }
  private static final class EVENTFD { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("eventfd");
  }
  private static final class READ { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("read");
  }
  private static final class WRITE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("write");
  }
  private static final class GETRUSAGE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("getrusage");
  }
  private static final class POLL { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("poll");
  }
  private static final class PREAD { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("pread");
  }
  private static final class PWRITE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("pwrite");
  }
  private static final class FSYNC { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("fsync");
  }
  private static final class FDATASYNC { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("fdatasync");
  }
  private static final class FALLOCATE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("fallocate");
  }
  private static final class FTRUNCATE { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("ftruncate");
  }
  private static final class OPENAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("openat");
  }
  private static final class STATX { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("statx");
  }
  private static final class RENAMEAT2 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("renameat2");
  }
  private static final class UNLINKAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("unlinkat");
  }
  private static final class MKDIRAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("mkdirat");
  }
  private static final class SYMLINKAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("symlinkat");
  }
  private static final class LINKAT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("linkat");
  }
  private static final class ACCEPT4 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("accept4");
  }
  private static final class CONNECT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("connect");
  }
  private static final class SEND { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("send");
  }
  private static final class RECV { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("recv");
  }
  private static final class SHUTDOWN { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("shutdown");
  }
  private static final class EPOLL_CREATE1 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("epoll_create1");
  }
  private static final class EPOLL_CTL { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("epoll_ctl");
  }
  private static final class EPOLL_WAIT { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("epoll_wait");
  }
  private static final class SOCKET { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("socket");
  }
  private static final class SOCKETPAIR { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("socketpair");
  }
  private static final class BIND { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("bind");
  }
  private static final class LISTEN { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("listen");
  }
  private static final class SCHED_SETAFFINITY { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("sched_setaffinity");
  }
  private static final class PIPE2 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("pipe2");
  }
  private static final class GETTID { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("gettid");
  }
  private static final class SCHED_SETSCHEDULER { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("sched_setscheduler");
  }
  private static final class SCHED_GETSCHEDULER { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("sched_getscheduler");
  }

  public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset) {
    long p = Native.longResult(Native.call(MMAP.H, 0, length, prot, flags, fd, offset));
    if (p < 0) {   // MAP_FAILED
      throw new MmapException((int) p);
    }
    return Native.ofAddress(p, length);
  }

  /**
   * {@code length} bytes of anonymous private memory, unmapped when {@code owner} closes. Unlike an
   * arena allocation it is not written to here: the kernel supplies zero pages as they are first
   * touched, so buffers sized for the largest request cost time and memory only where requests land
   * (FUSE ring buffers: 8 MiB mapped at INIT, a few pages resident at depth 1).
   */
  public static MemorySegment mapAnonymous(long length, Arena owner) {
    MemorySegment m = mmap(length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return m.reinterpret(length, owner, unmapped -> munmap(unmapped.reinterpret(length)));
  }

  /** Thrown by {@link #mmap} with the negative errno. */
  public static final class MmapException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int negErrno;

    MmapException(int negErrno) {
      super("mmap failed: " + Errno.describe(negErrno));
      this.negErrno = negErrno;
    }
  }

  public static int munmap(MemorySegment segment) {
    return Native.intResult(Native.call(MUNMAP.H, segment.address(), segment.byteSize()));
  }

  public static int close(int fd) {
    return Native.intResult(Native.call(CLOSE.H, fd));
  }

  public static int eventfd(int initval, int flags) {
    return Native.intResult(Native.call(EVENTFD.H, initval, flags));
  }

  public static long read(int fd, MemorySegment buf, long count) {
    return Native.longResult(Native.call(READ.H, fd, buf.address(), count));
  }

  public static long write(int fd, MemorySegment buf, long count) {
    return Native.longResult(Native.call(WRITE.H, fd, buf.address(), count));
  }

  /** {@code sizeof(struct pollfd)}: {@code int fd; short events; short revents;}. */
  public static final int POLLFD_BYTES = 8;
  private static final short POLLIN = 0x1;

  /**
   * Whether {@code fd} is readable now: {@code poll(2)} on it with no timeout ({@code pollfd}: a
   * {@link #POLLFD_BYTES}-byte scratch struct of the caller's thread). False when poll fails.
   */
  public static boolean readableNow(int fd, MemorySegment pollfd) {
    pollfd.set(JAVA_INT, 0, fd);
    pollfd.set(JAVA_SHORT, 4, POLLIN);
    pollfd.set(JAVA_SHORT, 6, (short) 0);
    int n = Native.intResult(Native.call(POLL.H, pollfd.address(), 1L, 0));
    return n > 0 && (pollfd.get(JAVA_SHORT, 6) & POLLIN) != 0;
  }

  public static long pread(int fd, MemorySegment buf, long count, long offset) {
    return Native.longResult(Native.call(PREAD.H, fd, buf.address(), count, offset));
  }

  public static long pwrite(int fd, MemorySegment buf, long count, long offset) {
    return Native.longResult(Native.call(PWRITE.H, fd, buf.address(), count, offset));
  }

  public static int fsync(int fd) {
    return Native.intResult(Native.call(FSYNC.H, fd));
  }

  public static int fdatasync(int fd) {
    return Native.intResult(Native.call(FDATASYNC.H, fd));
  }

  public static int fallocate(int fd, int mode, long offset, long length) {
    return Native.intResult(Native.call(FALLOCATE.H, fd, mode, offset, length));
  }

  public static int ftruncate(int fd, long length) {
    return Native.intResult(Native.call(FTRUNCATE.H, fd, length));
  }

  public static int openat(int dirfd, MemorySegment path, int flags, int mode) {
    return Native.intResult(Native.call(OPENAT.H, dirfd, path.address(), flags, mode));
  }

  public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statxbuf) {
    return Native.intResult(Native.call(STATX.H, dirfd, path.address(), flags, mask, statxbuf.address()));
  }

  public static int renameat2(int olddirfd, MemorySegment oldpath, int newdirfd, MemorySegment newpath, int flags) {
    return Native.intResult(Native.call(RENAMEAT2.H, olddirfd, oldpath.address(), newdirfd, newpath.address(), flags));
  }

  public static int unlinkat(int dirfd, MemorySegment path, int flags) {
    return Native.intResult(Native.call(UNLINKAT.H, dirfd, path.address(), flags));
  }

  public static int mkdirat(int dirfd, MemorySegment path, int mode) {
    return Native.intResult(Native.call(MKDIRAT.H, dirfd, path.address(), mode));
  }

  public static int symlinkat(MemorySegment target, int newdirfd, MemorySegment linkpath) {
    return Native.intResult(Native.call(SYMLINKAT.H, target.address(), newdirfd, linkpath.address()));
  }

  public static int linkat(int olddirfd, MemorySegment oldpath, int newdirfd, MemorySegment newpath, int flags) {
    return Native.intResult(Native.call(LINKAT.H, olddirfd, oldpath.address(), newdirfd, newpath.address(), flags));
  }

  public static int accept4(int fd, MemorySegment addr, MemorySegment addrlen, int flags) {
    return Native.intResult(Native.call(ACCEPT4.H, fd, addr.address(), addrlen.address(), flags));
  }

  public static int connect(int fd, MemorySegment addr, int addrlen) {
    return Native.intResult(Native.call(CONNECT.H, fd, addr.address(), addrlen));
  }

  public static long send(int fd, MemorySegment buf, long len, int flags) {
    return Native.longResult(Native.call(SEND.H, fd, buf.address(), len, flags));
  }

  public static long recv(int fd, MemorySegment buf, long len, int flags) {
    return Native.longResult(Native.call(RECV.H, fd, buf.address(), len, flags));
  }

  public static int shutdown(int fd, int how) {
    return Native.intResult(Native.call(SHUTDOWN.H, fd, how));
  }

  /** pipe2(2) into a two-int segment: [read end, write end]. */
  public static int pipe2(MemorySegment fds, int flags) {
    return Native.intResult(Native.call(PIPE2.H, fds.address(), flags));
  }

  public static final int EPOLL_CLOEXEC = 0x80000;
  public static final int EPOLL_CTL_ADD = 1;
  public static final int EPOLL_CTL_DEL = 2;
  public static final int EPOLL_CTL_MOD = 3;
  public static final int EPOLLONESHOT = 1 << 30;
  public static final int EPOLLET = 1 << 31;

  public static int epollCreate1(int flags) {
    return Native.intResult(Native.call(EPOLL_CREATE1.H, flags));
  }

  /** {@code event} is an {@link EpollEvent} (NULL for EPOLL_CTL_DEL). */
  public static int epollCtl(int epfd, int op, int fd, MemorySegment event) {
    return Native.intResult(Native.call(EPOLL_CTL.H, epfd, op, fd, event.address()));
  }

  public static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
    return Native.intResult(Native.call(EPOLL_WAIT.H, epfd, events.address(), maxEvents, timeoutMillis));
  }

  public static final int AF_UNIX = 1;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;

  public static int socket(int domain, int type, int protocol) {
    return Native.intResult(Native.call(SOCKET.H, domain, type, protocol));
  }

  /** socketpair(2) into a two-int segment. */
  public static int socketpair(int domain, int type, int protocol, MemorySegment fds) {
    return Native.intResult(Native.call(SOCKETPAIR.H, domain, type, protocol, fds.address()));
  }

  public static int bind(int fd, MemorySegment addr, int addrlen) {
    return Native.intResult(Native.call(BIND.H, fd, addr.address(), addrlen));
  }

  public static int listen(int fd, int backlog) {
    return Native.intResult(Native.call(LISTEN.H, fd, backlog));
  }

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
    int r = Native.intResult(Native.call(GETRUSAGE.H, RUSAGE_THREAD, scratch.address()));
    return r < 0 ? r : scratch.get(JAVA_LONG, RU_NIVCSW);
  }

  /** Pins the calling thread to one CPU (sched_setaffinity(0, ...)). */
  public static int pinCurrentThread(int cpu) {
    try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
      MemorySegment mask = a.allocate(128, 8);   // cpu_set_t: 1024 bits
      mask.set(JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
      return Native.intResult(Native.call(SCHED_SETAFFINITY.H, 0, 128L, mask.address()));
    }
  }

  /** Scheduling policies (include/uapi/linux/sched.h). */
  public static final int SCHED_OTHER = 0;
  public static final int SCHED_IDLE = 5;

  /** The calling thread's kernel id (what /proc/self/task lists). */
  public static int gettid() {
    return Native.intResult(Native.call(GETTID.H));
  }

  /**
   * {@code sched_setscheduler(tid, policy, {0})}: sets one thread's policy (0: the calling thread),
   * with the static priority 0 that SCHED_OTHER and SCHED_IDLE take.
   */
  public static int schedSetscheduler(int tid, int policy) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment param = a.allocate(8, 8);   // struct sched_param { int sched_priority; }
      return Native.intResult(Native.call(SCHED_SETSCHEDULER.H, tid, policy, param.address()));
    }
  }

  /** {@code sched_getscheduler(tid)}: the thread's policy, or -errno. */
  public static int schedGetscheduler(int tid) {
    return Native.intResult(Native.call(SCHED_GETSCHEDULER.H, tid));
  }
}
