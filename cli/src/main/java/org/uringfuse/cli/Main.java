package org.uringfuse.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
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
  /** The subcommands by name, in the order help lists them. */
  private static final Map<String, Supplier<?>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("mount", MountCommand::new);
    SUBCOMMANDS.put("umount", UmountCommand::new);
    SUBCOMMANDS.put("stats", StatsCommand::new);
    SUBCOMMANDS.put("probe", ProbeCommand::new);
  }

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
    Supplier<?> only = SUBCOMMANDS.get(name);
    if (only != null) {
      return cl.addSubcommand(only.get());
    }
    SUBCOMMANDS.values().forEach(sub -> cl.addSubcommand(sub.get()));
    return cl.addSubcommand(new CommandLine.HelpCommand());
  }
}
