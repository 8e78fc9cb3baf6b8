package org.uringfuse.cli;

import java.util.ArrayList;
import java.util.List;
import org.uringfuse.export.image.ImageOptions;
import org.uringfuse.export.passthrough.PassthroughOptions;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.ring.loop.LoopOptions;
import org.uringfuse.ring.loop.PollOptions;

/**
 * Parses {@code -o} option lists ({@code ro,allow_other,fsname=x,...}) into mount and export
 * settings. Unknown options are usage errors, never silently ignored.
 */
final class MountOptionsParser {
  MountOptions mount;
  PassthroughOptions passthrough = PassthroughOptions.defaults();
  ImageOptions image = ImageOptions.defaults();
  /** Options that only make sense for one kind of source, to refuse them for the other. */
  final java.util.Set<String> imageOnly = new java.util.TreeSet<>();
  final java.util.Set<String> directoryOnly = new java.util.TreeSet<>();
  final List<String> warnings = new ArrayList<>();
  private boolean defaultPermissionsSet;
  private boolean noDefaultPermissions;

  MountOptionsParser(MountOptions base) {
    this.mount = base;
  }

  /** Applies one comma-separated list; throws IllegalArgumentException naming the bad option. */
  void apply(String list) {
    for (String raw : list.split(",")) {
      String opt = raw.trim();
      if (opt.isEmpty()) {
        continue;
      }
      String key = opt.contains("=") ? opt.substring(0, opt.indexOf('=')) : opt;
      String value = opt.contains("=") ? opt.substring(opt.indexOf('=') + 1) : null;
      switch (key) {
        case "ro", "rw" -> {
          boolean ro = key.equals("ro");
          mount = mount.withReadOnly(ro);
          passthrough = passthrough.withReadOnly(ro);
          image = image.withReadOnly(ro);
        }
        case "growable" -> {
          imageOnly.add(key);
          image = image.withGrowable(true);
        }
        case "cache" -> {
          imageOnly.add(key);
          String v = required(key, value);
          if (!v.equals("none") && !v.equals("writeback")) {
            throw new IllegalArgumentException("mount option cache must be none or writeback, got '" + v + "'");
          }
          image = image.withDirectIo(v.equals("none"));
        }
        case "mode" -> {
          imageOnly.add(key);
          int m;
          try {
            m = Integer.parseInt(required(key, value), 8);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mount option mode needs octal permissions, got '" + value + "'");
          }
          image = image.withMode(m & 07777);
        }
        case "uid", "gid" -> {
          imageOnly.add(key);
          int id = nonNegative(key, value);
          image = key.equals("uid") ? image.withUid(id) : image.withGid(id);
        }
        case "allow_other" -> mount = mount.withAllowOther(true);
        case "default_permissions" -> {
          mount = mount.withDefaultPermissions(true);
          defaultPermissionsSet = true;
        }
        case "no_default_permissions" -> noDefaultPermissions = true;
        case "dev" -> mount = mount.withDev(true);
        case "nodev" -> mount = mount.withDev(false);
        case "suid" -> mount = mount.withSuid(true);
        case "nosuid" -> mount = mount.withSuid(false);
        case "fsname" -> mount = mount.withFsname(required(key, value));
        case "subtype" -> mount = mount.withSubtype(required(key, value));
        case "max_read" -> mount = mount.withMaxRead(positive(key, value));
        case "max_write" -> mount = mount.withMaxWrite(positive(key, value));
        case "blksize" -> mount = mount.withBlksize(positive(key, value));
        case "poll" -> mount = mount.withPoll(PollOptions.parse(required(key, value)));
        case "sched" -> mount = mount.withSched(LoopOptions.Sched.parse(required(key, value)));
        case "auto_unmount" -> mount = mount.withAutoUnmount(true);
        case "noauto_unmount" -> mount = mount.withAutoUnmount(false);
        case "entry_timeout" -> {
          directoryOnly.add(key);
          passthrough = passthrough.withEntryTimeoutNanos(seconds(key, value));
        }
        case "attr_timeout" -> {
          directoryOnly.add(key);
          passthrough = passthrough.withAttrTimeoutNanos(seconds(key, value));
        }
        default -> throw new IllegalArgumentException("unknown mount option '" + opt + "'");
      }
    }
  }

  /**
   * Final rules: allow_other turns on default_permissions (a root server would otherwise let every
   * user read and write everything) unless no_default_permissions opts out, with a warning.
   */
  void finish() {
    if (mount.allowOther() && !defaultPermissionsSet) {
      if (noDefaultPermissions) {
        warnings.add("allow_other without default_permissions: every local user gets the server's"
            + " (root's) access to the export");
      } else {
        mount = mount.withDefaultPermissions(true);
      }
    }
  }

  private static String required(String key, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("mount option " + key + " needs a value (" + key + "=...)");
    }
    return value;
  }

  private static int nonNegative(String key, String value) {
    return number(key, value, 0, "a number >= 0");
  }

  private static int positive(String key, String value) {
    return number(key, value, 1, "a positive number");
  }

  private static int number(String key, String value, int min, String what) {
    try {
      int v = Integer.parseInt(required(key, value));
      if (v < min) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mount option " + key + " needs " + what + ", got '" + value + "'");
    }
  }

  private static long seconds(String key, String value) {
    try {
      double s = Double.parseDouble(required(key, value));
      if (s < 0) {
        throw new NumberFormatException();
      }
      return (long) (s * 1e9);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mount option " + key + " needs seconds >= 0, got '" + value + "'");
    }
  }
}
