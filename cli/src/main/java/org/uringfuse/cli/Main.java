package org.uringfuse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code uringfuse} command: subcommands, exit codes, help. */
@Command(name = "uringfuse",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A pure-Java FUSE server over FUSE-over-io_uring.",
    subcommands = {MountCommand.class, UmountCommand.class, StatsCommand.class, ProbeCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:runtime failure",
        "2:usage error",
        "3:FUSE-over-io_uring required (or probed) but unavailable"})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests and the launcher). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}
