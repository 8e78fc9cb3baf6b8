package org.uringfuse.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The commands' picocli models, built with picocli's programmatic API rather than its annotations:
 * reading annotations makes the JDK generate a proxy class per annotation type at run time (about
 * 100 ms of every mount's start-up here, which no class cache keeps). Each command builds its
 * {@link CommandSpec} with these helpers and reads its values back with {@link #optionValue} and {@link #positionalValue}.
 */
final class Specs {
  private Specs() {}

  /** A subcommand with -h/--help and -V/--version, whose user object {@code command} picocli calls. */
  static CommandSpec command(Callable<Integer> command, String name, String... description) {
    return withHelp(CommandSpec.wrapWithoutInspection(command).name(name), description);
  }

  /**
   * Adds the description, -h/--help and -V/--version (as picocli's mixinStandardHelpOptions would, but
   * that mixin is itself an annotated class).
   */
  static CommandSpec withHelp(CommandSpec spec, String... description) {
    spec.usageMessage().description(description);
    return spec.versionProvider(new VersionProvider())
        .addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
            .description("Show this help message and exit.").build())
        .addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
            .description("Print version information and exit.").build());
  }

  /** Required positional parameter {@code index}. */
  static PositionalParamSpec positional(int index, String label, Class<?> type, String... description) {
    return PositionalParamSpec.builder().index(Integer.toString(index)).arity("1").required(true)
        .paramLabel(label).type(type).description(description).build();
  }

  /** An option taking a value (its type's default when not given, or {@code defaultValue} when not null). */
  static OptionSpec option(String name, String label, Class<?> type, String defaultValue, String... description) {
    return OptionSpec.builder(name).paramLabel(label).type(type).defaultValue(defaultValue)
        .description(description).build();
  }

  /** An option without a value: false unless given. */
  static OptionSpec flag(String[] names, String... description) {
    return OptionSpec.builder(names).type(boolean.class).initialValue(false).description(description).build();
  }

  /** The parsed value of {@code spec}'s option {@code name} (any of its names). */
  @SuppressWarnings("unchecked")
  static <T> T optionValue(CommandSpec spec, String name) {
    return (T) spec.findOption(name).getValue();
  }

  /** The parsed value of {@code spec}'s positional parameter {@code index}. */
  @SuppressWarnings("unchecked")
  static <T> T positionalValue(CommandSpec spec, int index) {
    return (T) spec.positionalParameters().get(index).getValue();
  }
}
