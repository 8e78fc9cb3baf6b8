package org.uringfuse.fuse.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.ring.sys.Native;

/** mount(2), umount2(2), ioctl(2) and credentials. Thread-safe. */
public final class FuseSyscalls {
  private FuseSyscalls() {}

  public static final int O_WRONLY = 01;
  public static final int O_RDWR = 02;
  public static final int O_CREAT = 0100;
  public static final int O_APPEND = 02000;
  public static final int O_NONBLOCK = 04000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;
  public static final int O_NOFOLLOW = 0400000;
  public static final int AT_EMPTY_PATH = 0x1000;
  /** statx(2): the type bits, the buffer size and the offset of {@code stx_mode} (u16). */
  public static final int STATX_TYPE = 0x1;
  public static final int STATX_BYTES = 256;
  public static final int STX_MODE = 28;
  public static final int S_IFMT = 0170000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFREG = 0100000;

  public static final long MS_RDONLY = 1;
  public static final long MS_NOSUID = 2;
  public static final long MS_NODEV = 4;
  public static final int MNT_DETACH = 2;

  private static final MethodHandle MOUNT = Native.function("mount");
  private static final MethodHandle UMOUNT2 = Native.function("umount2");
  private static final MethodHandle IOCTL_PTR = Native.function("ioctl");
  private static final MethodHandle GETUID = Native.function("getuid");
  private static final MethodHandle GETGID = Native.function("getgid");
  private static final class DUP2 { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("dup2");
  }
  private static final class SIGNAL { // linked on first use: start-up pays only for what it calls
    static final MethodHandle H = Native.function("signal");
  }

  public static final int SIGHUP = 1;
  private static final long SIG_DFL = 0;

  public static int mount(String source, String target, String type, long flags, String data) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocateFrom(source);
      MemorySegment t = a.allocateFrom(target);
      MemorySegment ty = a.allocateFrom(type);
      MemorySegment d = a.allocateFrom(data);
      return Native.intResult(Native.call(MOUNT, s.address(), t.address(), ty.address(), flags, d.address()));
    }
  }

  public static int umount2(String target, int flags) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment t = a.allocateFrom(target);
      return Native.intResult(Native.call(UMOUNT2, t.address(), flags));
    }
  }

  public static int ioctl(int fd, long request, MemorySegment arg) {
    return Native.intResult(Native.call(IOCTL_PTR, fd, request, arg.address()));
  }

  /** {@code openat2(2)} (437 on x86_64 and aarch64) and its {@code RESOLVE_NO_SYMLINKS}. */
  private static final long SYS_openat2 = 437;
  public static final long RESOLVE_NO_SYMLINKS = 0x04;

  /**
   * openat2 with {@code struct open_how {flags, mode, resolve}}: opens {@code path} without following
   * a symlink in any component when {@code resolve} is RESOLVE_NO_SYMLINKS. Returns the fd or -errno.
   */
  public static int openat2(int dirfd, String path, long flags, long resolve) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment how = a.allocate(24, 8);
      how.set(JAVA_LONG, 0, flags);
      how.set(JAVA_LONG, 8, 0);
      how.set(JAVA_LONG, 16, resolve);
      MemorySegment p = a.allocateFrom(path);
      return (int) Native.longResult(Native.call(LibC.SYSCALL, SYS_openat2, dirfd, p.address(), how.address(), 24L));
    }
  }

  private static final MethodHandle FCNTL_INT = Native.function("fcntl");
  private static final int F_GETFL = 3;
  private static final int F_SETFL = 4;

  /** Adds O_NONBLOCK to an fd's status flags (a /dev/fuse fd that fusermount3 opened blocking). */
  public static int setNonBlocking(int fd) {
    int flags = Native.intResult(Native.call(FCNTL_INT, fd, F_GETFL, 0));
    if (flags < 0) {
      return flags;
    }
    return Native.intResult(Native.call(FCNTL_INT, fd, F_SETFL, flags | O_NONBLOCK));
  }

  public static int getuid() {
    return (int) Native.call(GETUID);
  }

  public static int getgid() {
    return (int) Native.call(GETGID);
  }

  public static int dup2(int oldFd, int newFd) {
    return Native.intResult(Native.call(DUP2.H, oldFd, newFd));
  }

  /**
   * Gives {@code sig} its default disposition again: a signal ignored when the JVM started (SIGHUP
   * under nohup) cannot be handled through {@code sun.misc.Signal}, which leaves it ignored.
   */
  public static void defaultSignal(int sig) {
    Native.call(SIGNAL.H, sig, SIG_DFL);
  }
}
