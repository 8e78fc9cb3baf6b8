package org.uringfuse.jnr;

import java.nio.file.Files;
import java.nio.file.Path;
import org.uringfuse.examples.jnr.JnrMemoryFs;

/**
 * Run by {@link NoLibfuseTest} in a mount namespace where libfuse 2 cannot be opened. Mode
 * {@code plain}: construct a jnr-fuse filesystem directly (expected to fail). Mode {@code bridge}:
 * construct it through {@code UringFuse.mount(JnrMemoryFs::new, ...)}, write and read a file, unmount.
 */
public final class NoLibfuseMain {
  private NoLibfuseMain() {}

  public static void main(String[] args) throws Exception {
    Path mnt = Path.of(args[0]);
    String transport = args[2];
    System.out.println("libfuse installed " + LibfuseStandIn.libfuseInstalled());
    if (args[1].equals("plain")) {
      try {
        new JnrMemoryFs();
        System.out.println("constructed");
      } catch (LinkageError e) {
        System.out.println("construction failed " + e.getClass().getSimpleName());
      }
      System.exit(0);
    }
    JnrMount m = UringFuse.mount(JnrMemoryFs::new, mnt, false, false, "-o", "transport=" + transport);
    System.out.println("transport " + m.transport());
    Files.writeString(mnt.resolve("f"), "served without libfuse");
    System.out.println("read " + Files.readString(mnt.resolve("f")));
    m.umount();
    System.out.println("mounted after umount " + m.isMounted());
    System.exit(0);
  }
}
