package org.uringfuse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code uringfuse} command: subcommands, exit codes, help. */
@Command(name = "uringfuse",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A pure-Java FUSE server over FUSE-over-io_uring.",
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
    return commandLine(args.length > 0 ? args[0] : "").execute(args);
  }

  /**
   * The command line with the subcommand {@code name} only, when it is one (picocli builds a
   * command's model by reflection, tens of milliseconds of every mount's start-up), else with all
   * of them (help, usage errors).
   */
  static CommandLine commandLine(String name) {
    CommandLine cl = new CommandLine(new Main());
    Object only = switch (name) {
      case "mount" -> new MountCommand();
      case "umount" -> new UmountCommand();
      case "stats" -> new StatsCommand();
      case "probe" -> new ProbeCommand();
      default -> null;
    };
    if (only != null) {
      return cl.addSubcommand(only);
    }
    for (Object sub : new Object[] {new MountCommand(), new UmountCommand(), new StatsCommand(), new ProbeCommand(),
        new CommandLine.HelpCommand()}) {
      cl.addSubcommand(sub);
    }
    return cl;
  }
}
