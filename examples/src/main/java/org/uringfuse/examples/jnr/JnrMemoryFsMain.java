package org.uringfuse.examples.jnr;

import java.nio.file.Path;
import java.util.Arrays;
import org.uringfuse.jnr.JnrMount;
import org.uringfuse.jnr.UringFuse;

/**
 * Mounts a {@link JnrMemoryFs} either on jnr-fuse's own loop (libfuse 2) or on uringfuse, for the
 * comparison benchmark and by hand. Blocks until unmounted.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... org.uringfuse.examples.jnr.JnrMemoryFsMain MOUNTPOINT jnr|uringfuse [FUSE_ARGS...]</pre>
 *
 * With {@code uringfuse}, FUSE_ARGS may pick the transport ({@code -o transport=classic}).
 * Prints {@code mounted <loop>} once the mount is live.
 */
public final class JnrMemoryFsMain {
  private JnrMemoryFsMain() {}

  public static void main(String[] args) {
    if (args.length < 2 || !(args[1].equals("jnr") || args[1].equals("uringfuse"))) {
      System.err.println("usage: JnrMemoryFsMain MOUNTPOINT jnr|uringfuse [FUSE_ARGS...]");
      System.exit(2);
    }
    Path mnt = Path.of(args[0]);
    String[] fuseArgs = Arrays.copyOfRange(args, 2, args.length);
    JnrMemoryFs fs = new JnrMemoryFs();
    if (args[1].equals("jnr")) {
      System.out.println("mounted jnr");   // libfuse reports nothing: callers wait for the mount point
      System.out.flush();
      fs.mount(mnt, true, false, fuseArgs);
    } else {
      JnrMount m = UringFuse.mount(fs, mnt, false, false, fuseArgs);
      System.out.println("mounted " + m.transport());
      System.out.flush();
      try {
        m.awaitUnmount(java.time.Duration.ofDays(365));
      } catch (InterruptedException e) {
        m.umount();
      }
    }
    System.exit(0);
  }
}
