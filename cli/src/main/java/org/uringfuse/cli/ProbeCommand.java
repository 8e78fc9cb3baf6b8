package org.uringfuse.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.uringfuse.fuse.FuseUringSupport;
import org.uringfuse.fuse.UserMounts;
import org.uringfuse.ring.IoUring;
import org.uringfuse.ring.Probe;
import org.uringfuse.ring.Ring;
import org.uringfuse.ring.loop.EventLoops;
import org.uringfuse.ring.loop.LoopOptions;
import picocli.CommandLine.Model.CommandSpec;

/** {@code uringfuse probe}: what this machine offers uringfuse, and why not when it does not. */
final class ProbeCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this, "probe", "Reports what this machine offers uringfuse.",
      "The kernel, io_uring availability (with the reason when it is missing), the io_uring opcodes "
          + "uringfuse uses, enable_uring, and whether FUSE-over-io_uring can be used. Exits 0 when it "
          + "can, 3 when it cannot.");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    IoUring.Availability ring = IoUring.detect();
    FuseUringSupport.Status fuse = FuseUringSupport.check(ring);
    out.printf("kernel:              %s%n", ring.kernel());
    if (ring.supported()) {
      out.printf("io_uring:            available (setup flags granted: %s)%n", Ring.describeFlags(ring.grantedFlags()));
    } else {
      out.printf("io_uring:            unavailable: %s%n", ring.reason());
    }
    ring.probe().ifPresent(p -> {
      List<String> have = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (int op : IoUring.INTERESTING_OPCODES) {
        (p.supports(op) ? have : missing).add(Probe.opcodeName(op));
      }
      out.printf("opcodes supported:   %s%n", String.join(" ", have));
      out.printf("opcodes missing:     %s%n", missing.isEmpty() ? "none" : String.join(" ", missing));
    });
    out.printf("event loop backend:  %s%n", EventLoops.resolve(LoopOptions.Backend.AUTO).name().toLowerCase());
    out.printf("/dev/fuse:           %s%n", FuseUringSupport.DEV_FUSE.toFile().exists() ? "present" : "missing");
    out.printf("enable_uring:        %s%n", fuse.enableUring().orElse("absent"));
    out.printf("mounts as a user:    %s%n", UserMounts.status());
    if (fuse.usable()) {
      // The kernel asks no capability of a FUSE-over-io_uring server: a user's mount uses it too.
      out.printf("FUSE-over-io_uring:  usable (by root and by users' own mounts)%n");
      out.flush();
      return ExitCodes.OK;
    }
    out.printf("FUSE-over-io_uring:  not usable: %s%n", fuse.reason());
    out.flush();
    return ExitCodes.NO_FUSE_URING;
  }
}
