package org.uringfuse.export.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.ring.sys.Native;

/**
 * A FUSE caller's identity, worn by the calling thread alone for the length of one call: its fsuid,
 * fsgid and supplementary groups, and its umask. A root server creates files this way, so a new file
 * belongs to its caller from the instant it exists (no root-owned window to race), the backing
 * filesystem checks the caller's rights on the parent, and set-gid directories and default ACLs work
 * as on a local filesystem. When the fsuid leaves 0 the kernel drops the filesystem capabilities
 * (CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID...) from the thread's effective set, and restores them
 * when it returns to 0.
 *
 * <p>Per-thread by construction: setfsuid/setfsgid change only the calling thread; the supplementary
 * groups are set with the raw setgroups syscall because glibc's wrapper changes every thread of the
 * process; the umask becomes per-thread once the thread has unshared its fs_struct
 * ({@code unshare(CLONE_FS)}, done once per thread on first use).
 *
 * <p>Threads: every method acts on the calling thread only; the only shared state is the per-thread
 * record of the thread's own groups.
 */
public final class ThreadCredentials {
  private ThreadCredentials() {}

  private static final int CLONE_FS = 0x200;
  private static final boolean AARCH64 = System.getProperty("os.arch", "").equals("aarch64");
  private static final long SYS_setgroups = AARCH64 ? 159 : 116;

  private static final AtomicBoolean UNSHARE_REFUSED =
      new AtomicBoolean();

  /** The thread's own supplementary groups (restored after each call), read on first use. */
  private static final ThreadLocal<MemorySegment> OWN_GROUPS = ThreadLocal.withInitial(ThreadCredentials::prepareThread);

  /** setfsuid/setfsgid return the previous id and never set errno. */
  private static final class SETFSUID {
    static final MethodHandle H = Native.function("setfsuid");
  }
  private static final class SETFSGID {
    static final MethodHandle H = Native.function("setfsgid");
  }
  private static final class GETGROUPS {
    static final MethodHandle H = Native.function("getgroups");
  }
  private static final class UMASK {
    static final MethodHandle H = Native.function("umask");
  }
  private static final class UNSHARE {
    static final MethodHandle H = Native.function("unshare");
  }

  /** One call made under the caller's identity; returns a syscall result (negative errno on failure). */
  @FunctionalInterface
  public interface Call {
    long run();
  }

  /**
   * Runs {@code call} with fsuid {@code uid}, fsgid {@code gid} and supplementary {@code groups}, then
   * gives the thread its own identity back. Returns the call's result, or {@code -EPERM} when the
   * identity could not be taken (then the call does not run).
   */
  public static long runAs(int uid, int gid, int[] groups, Call call) {
    MemorySegment own = OWN_GROUPS.get();
    try (Arena a = Arena.ofConfined()) {
      if (groups.length > 0) {
        MemorySegment list = a.allocateFrom(JAVA_INT, groups);
        if (setgroups(groups.length, list) < 0) {
          return -Errno.EPERM;
        }
      }
      try {
        setfsgid(gid);
        setfsuid(uid);
        if (setfsuid(-1) != uid || setfsgid(-1) != gid) {
          return -Errno.EPERM;   // an id the kernel cannot map: run nothing as root instead
        }
        return call.run();
      } finally {
        setfsuid(0);
        setfsgid(0);
        if (groups.length > 0) {
          setgroups((int) (own.byteSize() / 4), own);
        }
      }
    }
  }

  /** Sets the calling thread's umask (its own, see above); returns the previous one. */
  public static int umask(int mask) {
    OWN_GROUPS.get();
    return Native.intResult(Native.call(UMASK.H, mask & 0777));
  }

  private static MemorySegment prepareThread() {
    int r = Native.intResult(Native.call(UNSHARE.H, CLONE_FS));
    if (r < 0 && UNSHARE_REFUSED.compareAndSet(false, true)) {
      // A container's seccomp profile may refuse unshare: the umask then stays the process's, set
      // per call, which is right unless two loops create with different umasks at the same moment.
      System.getLogger(ThreadCredentials.class.getName()).log(System.Logger.Level.WARNING,
          "unshare(CLONE_FS) refused ({0}): the umask is shared by the serving threads",
          Errno.describe(r));
    }
    int n = Native.intResult(Native.call(GETGROUPS.H, 0, MemorySegment.NULL.address()));
    MemorySegment own = Arena.ofAuto().allocate(JAVA_INT, Math.max(1, n));
    int got = Native.intResult(Native.call(GETGROUPS.H, n, own.address()));
    return own.asSlice(0, Math.max(0, got) * 4L);
  }

  private static int setfsuid(int uid) {
    return (int) Native.call(SETFSUID.H, uid);
  }

  private static int setfsgid(int gid) {
    return (int) Native.call(SETFSGID.H, gid);
  }

  private static int setgroups(int count, MemorySegment list) {
    return (int) Native.longResult(Native.call(LibC.SYSCALL, SYS_setgroups, (long) count, list.address()));
  }
}
