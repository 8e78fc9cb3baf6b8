package org.uringfuse.export.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.uringfuse.fuse.sys.FuseSyscalls;
import org.uringfuse.ring.Errno;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uringfuse umount MOUNTPOINT}: unmounts; the server then exits by itself. */
@Command(name = "umount", mixinStandardHelpOptions = true,
    description = {"Unmounts MOUNTPOINT.", "Its uringfuse server then exits cleanly. Plain umount works too."})
final class UmountCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MOUNTPOINT")
  Path mountpoint;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    int r = FuseSyscalls.umount2(mountpoint.toAbsolutePath().normalize().toString(), 0);
    if (r == 0) {
      return ExitCodes.OK;
    }
    err.println("uringfuse umount: " + mountpoint + ": " + switch (-r) {
      case Errno.EINVAL -> "not a mount point";
      case Errno.EBUSY -> "busy (files are open there; close them first)";
      case Errno.EPERM -> "permission denied (run it with sudo)";
      case Errno.ENOENT -> "does not exist";
      default -> Errno.describe(r);
    });
    return ExitCodes.FAILURE;
  }
}
