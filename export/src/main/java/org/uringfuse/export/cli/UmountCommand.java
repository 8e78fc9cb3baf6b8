package org.uringfuse.export.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.uringfuse.fuse.sys.FuseSyscalls;
import org.uringfuse.fuse.sys.Fusermount;
import org.uringfuse.ring.Errno;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uringfuse umount MOUNTPOINT}: unmounts; the server then exits by itself. */
@Command(name = "umount", mixinStandardHelpOptions = true,
    description = {"Unmounts MOUNTPOINT.", "Its uringfuse server then exits cleanly. Plain umount (root) and "
        + "fusermount3 -u (the user who mounted) work too."})
final class UmountCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MOUNTPOINT")
  Path mountpoint;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Path mp = mountpoint.toAbsolutePath().normalize();
    int r = FuseSyscalls.umount2(mp.toString(), 0);
    if (r == 0) {
      return ExitCodes.OK;
    }
    if (r == -Errno.EPERM && FuseSyscalls.getuid() != 0 && Fusermount.available()) {
      // a user unmounts their own FUSE mounts through fusermount3, as they mounted them
      try {
        String failure = Fusermount.unmount(mp, false);
        if (failure.isEmpty()) {
          return ExitCodes.OK;
        }
        err.println("uringfuse umount: " + mountpoint + ": " + failure);
      } catch (java.io.IOException e) {
        err.println("uringfuse umount: " + mountpoint + ": " + e.getMessage());
      }
      return ExitCodes.FAILURE;
    }
    err.println("uringfuse umount: " + mountpoint + ": " + switch (-r) {
      case Errno.EINVAL -> "not a mount point";
      case Errno.EBUSY -> "busy (files are open there; close them first)";
      case Errno.EPERM -> "permission denied (not your mount: run it as root)";
      case Errno.ENOENT -> "does not exist";
      default -> Errno.describe(r);
    });
    return ExitCodes.FAILURE;
  }
}
