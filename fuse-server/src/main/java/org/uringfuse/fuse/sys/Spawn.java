package org.uringfuse.fuse.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.Native;

/**
 * Child processes through {@code posix_spawnp}, without the JDK's process machinery (a helper
 * binary per start and a reaper thread): the helpers uringfuse runs (fusermount3, the auto_unmount
 * watcher) get exactly the fds they are given, every other fd of the JVM closed. The caller reaps
 * its children with {@link #waitFor}.
 *
 * <p>Threads: any; no shared state.
 */
public final class Spawn {
  private Spawn() {}

  /** {@code posix_spawn_file_actions_t} is 80 bytes in glibc; room to spare. */
  private static final int FILE_ACTIONS_BYTES = 256;
  private static final int O_WRONLY = 01;
  private static final int O_APPEND = 02000;
  private static final int WNOHANG = 1;
  public static final int SIGKILL = 9;

  private static final class CALLS {
    static final MethodHandle INIT = Native.function("posix_spawn_file_actions_init");
    static final MethodHandle DUP2 = Native.function("posix_spawn_file_actions_adddup2");
    static final MethodHandle OPEN = Native.function("posix_spawn_file_actions_addopen");
    /** glibc 2.34+: close every fd from N up in the child (the JVM's own fds must not leak into it). */
    static final MethodHandle CLOSEFROM = Native.function("posix_spawn_file_actions_addclosefrom_np");
    static final MethodHandle DESTROY = Native.function("posix_spawn_file_actions_destroy");
    static final MethodHandle SPAWNP = Native.function("posix_spawnp");
    static final MethodHandle WAITPID = Native.function("waitpid");
    static final MethodHandle KILL = Native.function("kill");
  }

  /**
   * Starts {@code argv} (looked up on the PATH) with this process's environment plus {@code extraEnv}
   * ({@code NAME=value}; a name given there replaces the inherited one). In the child, fd
   * {@code dups[i][1]} is a copy of our fd {@code dups[i][0]}, each fd of {@code writeTo} is opened
   * write-only on its path (appending, so two fds may share one file), and every fd from
   * {@code closeFrom} up is closed.
   *
   * @return the child's pid
   */
  public static int start(List<String> argv, List<String> extraEnv, int[][] dups, Map<Integer, String> writeTo,
      int closeFrom) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      long actions = a.allocate(FILE_ACTIONS_BYTES, 8).address();
      check((int) Native.call(CALLS.INIT, actions), "posix_spawn_file_actions_init");
      try {
        for (int[] d : dups) {
          check((int) Native.call(CALLS.DUP2, actions, d[0], d[1]), "adddup2");
        }
        for (Map.Entry<Integer, String> w : writeTo.entrySet()) {
          check((int) Native.call(CALLS.OPEN, actions, w.getKey(), a.allocateFrom(w.getValue()).address(),
              O_WRONLY | O_APPEND, 0), "addopen");
        }
        check((int) Native.call(CALLS.CLOSEFROM, actions, closeFrom), "addclosefrom_np");
        MemorySegment pid = a.allocate(JAVA_INT);
        int r = (int) Native.call(CALLS.SPAWNP, pid.address(), a.allocateFrom(argv.get(0)).address(), actions, 0,
            cStrings(a, argv).address(), cStrings(a, environment(extraEnv)).address());
        if (r != 0) {
          throw new IOException("cannot start " + argv.get(0) + ": " + Errno.describe(-r));
        }
        return pid.get(JAVA_INT, 0);
      } finally {
        Native.call(CALLS.DESTROY, actions);
      }
    }
  }

  /** Sends {@code signal} to {@code pid}: 0 or {@code -errno}. */
  public static int kill(int pid, int signal) {
    return Native.intResult(Native.call(CALLS.KILL, pid, signal));
  }

  /** Waits (bounded) for {@code pid} and returns its exit status (128 + signal), or -1 if it did not end in time. */
  public static int waitFor(int pid, Duration bound) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment status = a.allocate(JAVA_INT);
      long deadline = System.nanoTime() + bound.toNanos();
      while (true) {
        int r = Native.intResult(Native.call(CALLS.WAITPID, pid, status.address(), WNOHANG));
        if (r == pid) {
          int s = status.get(JAVA_INT, 0);
          return (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f);
        }
        if (r < 0 || System.nanoTime() > deadline) {
          return -1;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -1;
        }
      }
    }
  }

  private static void check(int r, String what) throws IOException {
    if (r != 0) {
      throw new IOException(what + ": " + Errno.describe(-r));
    }
  }

  private static List<String> environment(List<String> extra) {
    List<String> env = new ArrayList<>();
    for (Map.Entry<String, String> e : System.getenv().entrySet()) {
      if (extra.stream().noneMatch(x -> x.startsWith(e.getKey() + "="))) {
        env.add(e.getKey() + "=" + e.getValue());
      }
    }
    env.addAll(extra);
    return env;
  }

  /** A NULL-terminated {@code char *[]}. */
  private static MemorySegment cStrings(Arena a, List<String> strings) {
    MemorySegment array = a.allocate(ADDRESS, strings.size() + 1L);
    for (int i = 0; i < strings.size(); i++) {
      array.setAtIndex(ADDRESS, i, a.allocateFrom(strings.get(i)));
    }
    array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
    return array;
  }
}
