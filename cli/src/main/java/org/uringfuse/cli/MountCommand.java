package org.uringfuse.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.uringfuse.export.image.ImageFs;
import org.uringfuse.export.passthrough.PassthroughFs;
import org.uringfuse.fuse.UserMounts;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.server.FuseMount;
import org.uringfuse.fuse.server.FuseServer;
import org.uringfuse.fuse.server.FuseUringUnavailableException;
import org.uringfuse.fuse.server.LogReopen;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.server.SignalShutdown;
import org.uringfuse.fuse.transport.TransportKind;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code uringfuse mount SOURCE MOUNTPOINT}: serves a directory (passthrough) or a disk image until
 * unmounted or signalled. The JVM always serves in the foreground; the {@code uringfuse} launcher
 * detaches it (setsid, output to the log file) unless {@code --foreground} is given, and returns once
 * the server prints its {@code mounted ...} line.
 */
final class MountCommand implements Callable<Integer> {
  static final String READY_PREFIX = "mounted ";

  final CommandSpec spec = Specs.command(this, "mount",
      "Serves SOURCE at MOUNTPOINT over FUSE-over-io_uring (or /dev/fuse).",
      "A directory SOURCE is exported as a passthrough filesystem; a disk image (regular file or "
          + "block device) as one regular file at a MOUNTPOINT file (created if missing). Returns once "
          + "the mount is live; the server keeps running detached until unmounted (umount MOUNTPOINT, "
          + "uringfuse umount MOUNTPOINT) or sent SIGTERM.")
      .addPositional(Specs.positional(0, "SOURCE", Path.class, "directory, image file or block device to export"))
      .addPositional(Specs.positional(1, "MOUNTPOINT", Path.class,
          "existing directory (for a directory SOURCE) or file (for an image) to mount on"))
      .addOption(OptionSpec.builder("-o").paramLabel("OPTIONS").type(List.class).auxiliaryTypes(String.class)
          .description("comma-separated mount options: ro, rw, "
          + "allow_other (implies default_permissions), default_permissions, no_default_permissions, dev, suid, "
          + "fsname=NAME, subtype=NAME, max_read=N, max_write=N, auto_unmount|noauto_unmount (default "
          + "auto_unmount: fusermount3 unmounts when the server ends, even by SIGKILL), poll=auto|auto:US|off|US (busy polling of the "
          + "event loops before they sleep: auto adapts the window up to 20 us, pauses it while fewer than half "
          + "its polls find work and steps aside whenever another thread wants the CPU, US polls a fixed window; "
          + "default auto), sched=auto|normal (auto: as root, the "
          + "event loops run SCHED_IDLE while busy and their CPU is free, so that a client woken by a reply keeps "
          + "its CPU, and return to normal scheduling when another thread waits for that CPU: within 32 ms while "
          + "another loop runs, within 100 ms when every loop is held up; "
          + "default auto); directories: entry_timeout=SECONDS, "
          + "attr_timeout=SECONDS (default 0: the backing directory may change under us); images: growable, "
          + "cache=none|writeback, mode=OCTAL, uid=N, gid=N").build())
      .addOption(Specs.option("--transport", "auto|uring|classic", String.class, "auto",
          "auto: io_uring when the kernel offers it, else /dev/fuse (default); uring: fail if unavailable"))
      .addOption(Specs.option("--threads", "N", Integer.class, null, "event loops (default: one per CPU)"))
      .addOption(Specs.option("--queue-depth", "N", Integer.class, null,
          "FUSE-over-io_uring entries per CPU queue (default 32)"))
      // read by the launcher, which detaches otherwise
      .addOption(Specs.flag(new String[] {"-f", "--foreground"}, "stay in the foreground (logs to stderr)"))
      .addOption(Specs.flag(new String[] {"--debug"}, "log every FUSE request and reply"))
      .addOption(Specs.option("--log-level", "LEVEL", String.class, "info", "error, warning, info (default) or debug"))
      .addOption(Specs.option("--log-file", "FILE", Path.class, null,
          "where the detached server logs (default /var/log/uringfuse/<mountpoint>.log); "
              + "SIGHUP makes the server reopen it (for logrotate)"));

  // the parsed command line, read from the spec by call()
  private Path source;
  private Path mountpoint;
  private List<String> options;
  private String transport;
  private Integer threads;
  private Integer queueDepth;
  private boolean debug;
  private String logLevel;
  private Path logFile;

  @Override
  public Integer call() {
    source = Specs.positionalValue(spec, 0);
    mountpoint = Specs.positionalValue(spec, 1);
    List<String> o = Specs.optionValue(spec, "-o");
    options = o == null ? List.of() : o;
    transport = Specs.optionValue(spec, "--transport");
    threads = Specs.optionValue(spec, "--threads");
    queueDepth = Specs.optionValue(spec, "--queue-depth");
    debug = Specs.optionValue(spec, "--debug");
    logLevel = Specs.optionValue(spec, "--log-level");
    logFile = Specs.optionValue(spec, "--log-file");
    PrintWriter err = spec.commandLine().getErr();
    MountOptionsParser parsed;
    try {
      parsed = parseOptions();
    } catch (IllegalArgumentException e) {
      err.println("uringfuse mount: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    String problem = checkPaths();
    if (problem != null) {
      err.println("uringfuse mount: " + problem);
      return ExitCodes.FAILURE;
    }
    String misplaced = String.join(", ", isImage() ? parsed.directoryOnly : parsed.imageOnly);
    if (!misplaced.isEmpty()) {
      err.println("uringfuse mount: option(s) " + misplaced + " do not apply to a "
          + (isImage() ? "disk image" : "directory") + " source");
      return ExitCodes.USAGE;
    }
    parsed.warnings.forEach(w -> err.println("uringfuse mount: warning: " + w));
    err.flush();
    return serve(parsed, err);
  }

  /** Sets the level of uringfuse's log (java.util.logging underneath System.Logger). Keeps a reference. */
  private static final Logger URINGFUSE_LOG = Logger.getLogger("org.uringfuse");

  static void applyLogLevel(String name) {
    Level level = switch (name.toLowerCase()) {
      case "error" -> Level.SEVERE;
      case "warning", "warn" -> Level.WARNING;
      case "info" -> Level.INFO;
      case "debug" -> Level.FINE;
      default -> throw new IllegalArgumentException("--log-level must be error, warning, info or debug, not '" + name + "'");
    };
    // uringfuse's own loggers only: the JDK's debug output stays out of the way
    URINGFUSE_LOG.setLevel(level);   // held in a field: JUL keeps loggers weakly
    if (level.intValue() < Level.INFO.intValue()) {
      for (Handler h : Logger.getLogger("").getHandlers()) {
        h.setLevel(level);
      }
    }
  }

  private MountOptionsParser parseOptions() {
    applyLogLevel(logLevel);
    // auto_unmount by default: a server that dies (SIGKILL, OOM) never leaves a dead mount behind
    MountOptions base = MountOptions.defaults().withFsname(source.toString().replace(",", "_"))
        .withAutoUnmount(true);
    TransportKind kind = switch (transport.toLowerCase()) {
      case "auto" -> TransportKind.AUTO;
      case "uring" -> TransportKind.URING;
      case "classic" -> TransportKind.CLASSIC;
      default -> throw new IllegalArgumentException("--transport must be auto, uring or classic, not '" + transport + "'");
    };
    base = base.withTransport(kind).withDebug(debug);
    if (threads != null) {
      base = base.withThreads(threads);
    }
    if (queueDepth != null) {
      base = base.withQueueDepth(queueDepth);
    }
    MountOptionsParser p = new MountOptionsParser(base);
    options.forEach(p::apply);
    p.finish();
    return p;
  }

  /** The mistakes a user makes most, each in one line; null when the paths are fine. */
  String checkPaths() {
    String userProblem = UserMounts.runningAsRoot() ? null : UserMounts.problem();
    if (userProblem != null) {
      return "mounting as a user: " + userProblem;
    }
    if (!Files.exists(source)) {
      return "source " + source + " does not exist";
    }
    if (!Files.isDirectory(source) && !isImage()) {
      return "source " + source + " is neither a directory nor a disk image (regular file or block device)";
    }
    if (isImage() && !Files.exists(mountpoint, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createFile(mountpoint);
      } catch (IOException e) {
        return "cannot create the mountpoint file " + mountpoint + ": " + e.getMessage();
      }
    }
    if (!Files.exists(mountpoint, LinkOption.NOFOLLOW_LINKS)) {
      return "mountpoint " + mountpoint + " does not exist (create it: mkdir -p " + mountpoint + ")";
    }
    if (isImage() && !Files.isRegularFile(mountpoint, LinkOption.NOFOLLOW_LINKS)) {
      return "mountpoint " + mountpoint + " must be a regular file to mount an image on (it is served as one file)";
    }
    if (!isImage() && !Files.isDirectory(mountpoint, LinkOption.NOFOLLOW_LINKS)) {
      return "mountpoint " + mountpoint + " is not a directory";
    }
    try {
      Path src = source.toRealPath();
      Path mnt = mountpoint.toRealPath();
      if (mnt.startsWith(src)) {
        return "mountpoint " + mnt + " is inside the source " + src
            + ": the mount would contain itself; choose a mountpoint outside the source";
      }
      if (FuseMount.isMountPoint(mnt)) {
        return "mountpoint " + mnt + " is already in use (a filesystem is mounted there: umount " + mnt + ")";
      }
    } catch (IOException e) {
      return "cannot resolve paths: " + e.getMessage();
    }
    return null;
  }

  /** A regular file or a block device: served with the image export. */
  boolean isImage() {
    if (Files.isRegularFile(source)) {
      return true;
    }
    try {
      return Files.exists(source) && !Files.isDirectory(source)
          && (((Integer) Files.getAttribute(source, "unix:mode")) & Attr.S_IFMT) == Attr.S_IFBLK;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private int serve(MountOptionsParser parsed, PrintWriter err) {
    Filesystem fs;
    try {
      fs = isImage() ? ImageFs.open(source.toRealPath(), parsed.image)
          : PassthroughFs.open(source.toRealPath(), parsed.passthrough);
    } catch (IOException e) {
      err.println("uringfuse mount: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    FuseServer server;
    try {
      server = FuseServer.start(fs, mountpoint, parsed.mount);
    } catch (FuseUringUnavailableException e) {
      fs.destroy();
      err.println("uringfuse mount: " + e.getMessage() + " (use --transport auto to fall back to /dev/fuse)");
      return ExitCodes.NO_FUSE_URING;
    } catch (IOException e) {
      fs.destroy();
      err.println("uringfuse mount: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    SignalShutdown.install(server);
    if (logFile != null) {
      LogReopen.install(logFile.toAbsolutePath());
    }
    try {
      server.enableControlSocket();
    } catch (IOException | RuntimeException e) {
      err.println("uringfuse mount: warning: no control socket for uringfuse stats: " + e.getMessage());
      err.flush();
    }
    if (!server.classicReason().isEmpty()) {
      // said on the terminal too (the launcher repeats "note:" lines from the log), not only logged
      err.println("uringfuse mount: note: serving over /dev/fuse: FUSE-over-io_uring not used: "
          + server.classicReason());
      err.flush();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(READY_PREFIX + server.transport() + " " + server.mountpoint() + " (pid "
        + ProcessHandle.current().pid() + ")");
    out.flush();
    try {
      while (!server.awaitTermination(Duration.ofHours(1))) {
        // serve until unmounted
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    if (server.failure().isPresent()) {
      spec.commandLine().getErr().println("uringfuse: the server stopped: an event loop died ("
          + server.failure().get() + "); the mount was aborted. See the log for the stack trace.");
      return ExitCodes.FAILURE;
    }
    return ExitCodes.OK;
  }
}
