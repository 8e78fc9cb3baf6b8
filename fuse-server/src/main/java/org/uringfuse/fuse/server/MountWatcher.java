package org.uringfuse.fuse.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.uringfuse.fuse.sys.FuseSyscalls;
import org.uringfuse.fuse.sys.Fusermount;

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
  private final Process child;

  private MountWatcher(Process child) {
    this.child = child;
  }

  /** Starts watching {@code mountpoint}; the child unmounts it once this process is gone. */
  static MountWatcher start(Path mountpoint) throws IOException {
    List<String> unmount = FuseSyscalls.getuid() == 0
        ? List.of("umount", "-l", "--", mountpoint.toString())
        : List.of(Fusermount.HELPER, "-u", "-z", "--", mountpoint.toString());
    List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c",
        "read -r _ ; exec \"$@\" 2>/dev/null", "uringfuse-auto-unmount"));
    cmd.addAll(unmount);
    Process p = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.PIPE)   // the pipe: its write end is ours alone
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    return new MountWatcher(p);
  }

  /** Stops watching (this process unmounts by itself): the child ends without unmounting. */
  @Override
  public void close() {
    child.destroyForcibly();
    try {
      if (!child.waitFor(5, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, "the auto_unmount watcher (pid {0}) did not stop", child.pid());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
