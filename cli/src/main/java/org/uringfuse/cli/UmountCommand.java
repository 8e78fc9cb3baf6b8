package org.uringfuse.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.uringfuse.fuse.server.FuseMount;
import picocli.CommandLine.Model.CommandSpec;

/** {@code uringfuse umount MOUNTPOINT}: unmounts; the server then exits by itself. */
final class UmountCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this, "umount", "Unmounts MOUNTPOINT.",
      "Its uringfuse server then exits cleanly. Plain umount (root) and fusermount3 -u (the user who "
          + "mounted) work too.")
      .addPositional(Specs.positional(0, "MOUNTPOINT", Path.class));

  @Override
  public Integer call() {
    Path mountpoint = Specs.positionalValue(spec, 0);
    String failure = FuseMount.unmountAt(mountpoint.toAbsolutePath().normalize());
    if (failure.isEmpty()) {
      return ExitCodes.OK;
    }
    spec.commandLine().getErr().println("uringfuse umount: " + mountpoint + ": " + failure);
    return ExitCodes.FAILURE;
  }
}
