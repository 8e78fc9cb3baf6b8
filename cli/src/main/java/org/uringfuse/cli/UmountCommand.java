package org.uringfuse.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.uringfuse.fuse.server.FuseMount;
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
    String failure = FuseMount.unmountAt(mountpoint.toAbsolutePath().normalize());
    if (failure.isEmpty()) {
      return ExitCodes.OK;
    }
    spec.commandLine().getErr().println("uringfuse umount: " + mountpoint + ": " + failure);
    return ExitCodes.FAILURE;
  }
}
