package org.uringfuse.fuse.server;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.uringfuse.fuse.sys.FuseSyscalls;
import org.uringfuse.fuse.sys.Fusermount;
import org.uringfuse.fuse.sys.Spawn;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;

/**
 * auto_unmount: a mount that never outlives its server, however the server ends (SIGKILL, the OOM
 * killer, a crash). A small child process in a session of its own waits on a pipe whose other end
 * only this process holds; when this process dies the kernel closes the pipe, the child reads EOF
 * and unmounts lazily ({@code umount -l} for root, {@code fusermount3 -u -z} for a user, who may
 * unmount their own FUSE mounts). A server that ends normally stops the watcher before it unmounts,
 * so the watcher never touches a later mount at the same place.
 *
 * <p>Threads: started and stopped by the thread that mounts and unmounts.
 */
final class MountWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(MountWatcher.class.getName());
  private final int pid;
  private final int pipeWriteEnd;

  private MountWatcher(int pid, int pipeWriteEnd) {
    this.pid = pid;
    this.pipeWriteEnd = pipeWriteEnd;
  }

  /** Starts watching {@code mountpoint}; the child unmounts it once this process is gone. */
  static MountWatcher start(Path mountpoint) throws IOException {
    List<String> unmount = FuseSyscalls.getuid() == 0
        ? List.of("umount", "-l", "--", mountpoint.toString())
        : List.of(Fusermount.HELPER, "-u", "-z", "--", mountpoint.toString());
    List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c",
        "read -r _ ; exec \"$@\" 2>/dev/null", "uringfuse-auto-unmount"));
    cmd.addAll(unmount);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment fds = a.allocate(JAVA_INT, 2);
      int r = LibC.pipe2(fds, FuseSyscalls.O_CLOEXEC);
      if (r < 0) {
        throw new IOException("pipe2: " + Errno.describe(r));
      }
      int readEnd = fds.getAtIndex(JAVA_INT, 0);
      int writeEnd = fds.getAtIndex(JAVA_INT, 1);
      try {
        // the pipe's read end is the child's stdin; the write end is ours alone (close-on-exec)
        int pid = Spawn.start(cmd, List.of(), new int[][] {{readEnd, 0}},
            Map.of(1, "/dev/null", 2, "/dev/null"), 3);
        return new MountWatcher(pid, writeEnd);
      } catch (IOException | RuntimeException e) {
        LibC.close(writeEnd);
        throw e;
      } finally {
        LibC.close(readEnd);
      }
    }
  }

  /** Stops watching (this process unmounts by itself): the child ends without unmounting. */
  @Override
  public void close() {
    Spawn.kill(pid, Spawn.SIGKILL);
    if (Spawn.waitFor(pid, Duration.ofSeconds(5)) < 0) {
      LOG.log(Level.WARNING, "the auto_unmount watcher (pid {0}) did not stop", pid);
    }
    LibC.close(pipeWriteEnd);
  }
}
