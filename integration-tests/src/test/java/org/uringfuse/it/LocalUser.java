package org.uringfuse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.uringfuse.testkit.MountFixture;
import org.uringfuse.testkit.MountFixture.Finished;

/**
 * An unprivileged local user created for a test (useradd, no home, no login shell needed) and
 * removed afterwards; commands run as that user with its own groups through {@code setpriv}.
 */
public final class LocalUser implements AutoCloseable {
  private static final Duration BOUND = Duration.ofSeconds(120);
  public final String name;
  public final int uid;
  public final int gid;

  private LocalUser(String name, int uid, int gid) {
    this.name = name;
    this.uid = uid;
    this.gid = gid;
  }

  /** Creates a user with a group of its own, plus membership of {@code extraGroups} (names). */
  public static LocalUser create(String prefix, String... extraGroups) throws IOException, InterruptedException {
    String name = prefix + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    List<String> cmd = new ArrayList<>(List.of("useradd", "--no-create-home", "--user-group", "--shell", "/bin/sh"));
    if (extraGroups.length > 0) {
      cmd.addAll(List.of("--groups", String.join(",", extraGroups)));
    }
    cmd.add(name);
    MountFixture.run(cmd.toArray(String[]::new));
    int uid = Integer.parseInt(MountFixture.run("id", "-u", name).trim());
    int gid = Integer.parseInt(MountFixture.run("id", "-g", name).trim());
    return new LocalUser(name, uid, gid);
  }

  /** Creates a group and returns its name (removed by {@link #deleteGroup}). */
  static String createGroup(String prefix) throws IOException, InterruptedException {
    String name = prefix + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    MountFixture.run("groupadd", name);
    return name;
  }

  static int gidOf(String group) throws IOException, InterruptedException {
    return Integer.parseInt(MountFixture.run("getent", "group", group).split(":")[2]);
  }

  static void deleteGroup(String group) throws IOException, InterruptedException {
    MountFixture.runBounded(BOUND, "groupdel", group);
  }

  /** Runs a command as this user (its uid, primary group and supplementary groups). */
  public Finished run(String... command) throws IOException, InterruptedException {
    return MountFixture.runBounded(BOUND, asThisUser(command));
  }

  private String[] asThisUser(String... command) {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--init-groups",
        "--reset-env"));
    cmd.addAll(List.of(command));
    return cmd.toArray(String[]::new);
  }

  /** Starts a command as this user in the background; the caller ends it (and {@link #close} kills what is left). */
  public Process start(String... command) throws IOException {
    return new ProcessBuilder(asThisUser(command)).redirectErrorStream(true).start();
  }

  /** Runs a command as this user and fails the test unless it exits 0. */
  String ok(String... command) throws IOException, InterruptedException {
    Finished f = run(command);
    assertEquals(0, f.exitCode(), name + ": " + String.join(" ", command) + ": " + f.output());
    return f.output();
  }

  /** Runs {@code script} with the system's python3 as this user; {@code args} become sys.argv[1:]. */
  Finished python(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  /** Lets everyone traverse {@code dir} and its parents up to /tmp (temp directories are 0700). */
  static void openPath(Path dir) throws IOException {
    for (Path p = dir; p != null && !p.equals(Path.of("/tmp")) && !p.equals(Path.of("/")); p = p.getParent()) {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /** Removes the user, and the perf-data directory its JVMs made in /tmp. */
  @Override
  public void close() throws IOException, InterruptedException {
    MountFixture.runBounded(BOUND, "pkill", "-KILL", "-u", Integer.toString(uid));
    MountFixture.runBounded(BOUND, "userdel", "--force", name);
    MountFixture.runBounded(BOUND, "rm", "-rf", "/tmp/hsperfdata_" + name);
  }
}
