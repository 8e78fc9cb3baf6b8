package org.uringfuse.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code uringfuse} command: subcommands, exit codes, help. */
public final class Main {
  /** The subcommands' models by name, in the order help lists them. */
  private static final Map<String, Supplier<CommandSpec>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("mount", () -> new MountCommand().spec);
    SUBCOMMANDS.put("umount", () -> new UmountCommand().spec);
    SUBCOMMANDS.put("stats", () -> new StatsCommand().spec);
    SUBCOMMANDS.put("probe", () -> new ProbeCommand().spec);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests and the launcher). */
  public static int run(String... args) {
    return commandLine(args.length > 0 ? args[0] : "").execute(args);
  }

  /**
   * The command line with the subcommand {@code name} only, when it is one (a mount builds one
   * model), else with all of them (help, usage errors).
   */
  static CommandLine commandLine(String name) {
    CommandSpec top = Specs.withHelp(CommandSpec.create().name("uringfuse"),
        "A pure-Java FUSE server over FUSE-over-io_uring.");
    top.usageMessage().exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(new TreeMap<>(Map.of(
            "0", "success",
            "1", "runtime failure",
            "2", "usage error",
            "3", "FUSE-over-io_uring required (or probed) but unavailable")));
    CommandLine cl = new CommandLine(top);
    Supplier<CommandSpec> only = SUBCOMMANDS.get(name);
    if (only != null) {
      return cl.addSubcommand(only.get());
    }
    SUBCOMMANDS.values().forEach(sub -> cl.addSubcommand(sub.get()));
    return cl.addSubcommand(new CommandLine.HelpCommand());
  }
}
