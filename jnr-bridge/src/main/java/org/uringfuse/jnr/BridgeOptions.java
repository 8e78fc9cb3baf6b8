package org.uringfuse.jnr;

import java.util.concurrent.TimeUnit;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.transport.TransportKind;

/**
 * How a jnr-fuse filesystem is served: libfuse 2's high-level options (same names, same defaults:
 * entry and attribute timeouts 1 s, no negative caching, node ids as inode numbers) plus uringfuse's
 * own (transport, event loops, worker threads, queue depth).
 *
 * @param mount the mount and transport options handed to the server
 * @param workers worker threads running the filesystem's callbacks at all times
 * @param maxWorkers the most worker threads: more start while every one is busy (blocked callbacks)
 * @param workerSpinNanos how long an idle worker polls for the next request before it sleeps
 * @param entryTimeoutNanos how long the kernel caches a name
 * @param attrTimeoutNanos how long the kernel caches attributes
 * @param negativeTimeoutNanos how long the kernel caches "no such name" (0: not cached)
 * @param useIno take st_ino from the filesystem instead of the node id
 * @param readdirIno without useIno, give readdir entries the node id of names already looked up
 * @param hardRemove unlink open files at once instead of hiding them as {@code .fuse_hidden*}
 * @param directIo open every file with FOPEN_DIRECT_IO
 * @param kernelCache open every file with FOPEN_KEEP_CACHE
 * @param umask when not -1, every mode reported is {@code type | 0777 & ~umask}
 * @param uid when not -1, every owner reported
 * @param gid when not -1, every group reported
 */
public record BridgeOptions(MountOptions mount, int workers, int maxWorkers, long workerSpinNanos, long entryTimeoutNanos, long attrTimeoutNanos,
    long negativeTimeoutNanos, boolean useIno, boolean readdirIno, boolean hardRemove, boolean directIo,
    boolean kernelCache, int umask, int uid, int gid) {

  private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

  public BridgeOptions {
    if (workers < 1 || maxWorkers < workers) {
      throw new IllegalArgumentException("need 1 <= workers (" + workers + ") <= max_workers (" + maxWorkers + ")");
    }
  }

  /** libfuse 2's defaults; the transport is chosen automatically (FUSE-over-io_uring when usable). */
  public static BridgeOptions defaults() {
    int cpus = Math.max(1, Runtime.getRuntime().availableProcessors());
    return new BridgeOptions(MountOptions.defaults().withFsname("jnr-fuse").withSubtype("jnr-fuse"),
        Math.max(16, 4 * cpus), 256, TimeUnit.MICROSECONDS.toNanos(50), ONE_SECOND, ONE_SECOND, 0, false, false, false, false, false, -1, -1, -1);
  }

  /**
   * Applies jnr-fuse/libfuse command-line style options, as passed to {@code FuseFS.mount}:
   * {@code "-o", "a,b=c"} or {@code "-oa,b=c"}, plus {@code -d} (debug), {@code -s} (one worker) and
   * {@code -f} (accepted; uringfuse never forks). Unknown options are an error, as in libfuse.
   */
  public BridgeOptions withFuseArgs(String... args) {
    BridgeOptions o = this;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "-o" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("fuse: missing argument after `-o'");
          }
          o = o.withOptionList(args[++i]);
        }
        case "-d" -> o = o.withMount(o.mount.withDebug(true));
        case "-s" -> o = o.withWorkers(1);
        case "-f" -> { }
        default -> {
          if (a.startsWith("-o")) {
            o = o.withOptionList(a.substring(2));
          } else {
            throw new IllegalArgumentException("fuse: unknown argument `" + a + "'");
          }
        }
      }
    }
    return o;
  }

  /** One comma-separated {@code -o} list. */
  public BridgeOptions withOptionList(String list) {
    Builder b = new Builder(this);
    for (String opt : list.split(",")) {
      if (!opt.isEmpty()) {
        b.apply(opt);
      }
    }
    return b.build();
  }

  /** The option being parsed, field by field. */
  private static final class Builder {
    MountOptions m;
    int workers;
    int maxWorkers;
    long workerSpin;
    long entryTimeout;
    long attrTimeout;
    long negativeTimeout;
    boolean useIno;
    boolean readdirIno;
    boolean hardRemove;
    boolean directIo;
    boolean kernelCache;
    int umask;
    int uid;
    int gid;

    Builder(BridgeOptions o) {
      m = o.mount;
      workers = o.workers;
      maxWorkers = o.maxWorkers;
      workerSpin = o.workerSpinNanos;
      entryTimeout = o.entryTimeoutNanos;
      attrTimeout = o.attrTimeoutNanos;
      negativeTimeout = o.negativeTimeoutNanos;
      useIno = o.useIno;
      readdirIno = o.readdirIno;
      hardRemove = o.hardRemove;
      directIo = o.directIo;
      kernelCache = o.kernelCache;
      umask = o.umask;
      uid = o.uid;
      gid = o.gid;
    }

    BridgeOptions build() {
      return new BridgeOptions(m, workers, Math.max(workers, maxWorkers), workerSpin, entryTimeout, attrTimeout, negativeTimeout, useIno, readdirIno,
          hardRemove, directIo, kernelCache, umask, uid, gid);
    }

    void apply(String opt) {
      int eq = opt.indexOf('=');
      String key = eq < 0 ? opt : opt.substring(0, eq);
      String value = eq < 0 ? null : opt.substring(eq + 1);
      switch (key) {
        case "allow_other" -> m = m.withAllowOther(true);
        case "default_permissions" -> m = m.withDefaultPermissions(true);
        case "ro" -> m = m.withReadOnly(true);
        case "rw" -> m = m.withReadOnly(false);
        case "dev" -> m = m.withDev(true);
        case "suid" -> m = m.withSuid(true);
        case "nodev", "nosuid", "big_writes", "nonempty", "async_read", "atomic_o_trunc" -> { }
        // libfuse accepts these; here they change nothing (said once, not an error)
        case "noatime", "atime", "relatime", "exec", "noexec", "sync", "async", "dirsync", "large_read",
             "auto_cache", "noauto_cache", "intr", "intr_signal", "noforget", "remember", "ac_attr_timeout",
             "nopath", "modules", "blkdev", "context", "auto_unmount", "hard_remove_on_unmount", "sync_read",
             "no_remote_lock", "splice_read", "splice_write", "splice_move" ->
            System.getLogger(BridgeOptions.class.getName()).log(System.Logger.Level.WARNING,
                "fuse option {0} is accepted but has no effect under uringfuse", opt);
        case "fsname" -> m = m.withFsname(required(key, value));
        case "subtype" -> m = m.withSubtype(required(key, value));
        case "max_read" -> m = m.withMaxRead(integer(key, value));
        case "max_write" -> m = m.withMaxWrite(Math.max(4096, integer(key, value) / 4096 * 4096));
        case "blksize" -> m = m.withBlksize(integer(key, value));
        case "entry_timeout" -> entryTimeout = seconds(key, value);
        case "attr_timeout" -> attrTimeout = seconds(key, value);
        case "negative_timeout" -> negativeTimeout = seconds(key, value);
        case "use_ino" -> useIno = true;
        case "readdir_ino" -> readdirIno = true;
        case "hard_remove" -> hardRemove = true;
        case "direct_io" -> directIo = true;
        case "kernel_cache" -> kernelCache = true;
        case "umask" -> umask = octal(key, value);
        case "uid" -> uid = integer(key, value);
        case "gid" -> gid = integer(key, value);
        // uringfuse's own
        case "transport" -> m = m.withTransport(transport(required(key, value)));
        case "threads" -> m = m.withThreads(integer(key, value));
        case "queue_depth" -> m = m.withQueueDepth(integer(key, value));
        case "workers" -> workers = integer(key, value);
        case "max_workers" -> maxWorkers = integer(key, value);
        case "worker_spin_us" -> workerSpin = TimeUnit.MICROSECONDS.toNanos(integer(key, value));
        default -> throw new IllegalArgumentException("fuse: unknown option `" + opt + "'");
      }
    }
  }

  public BridgeOptions withMount(MountOptions m) {
    Builder b = new Builder(this);
    b.m = m;
    return b.build();
  }

  /** {@code n} workers, at most {@code n} (a fixed pool). */
  public BridgeOptions withWorkers(int n) {
    Builder b = new Builder(this);
    b.workers = n;
    b.maxWorkers = n;
    return b.build();
  }

  private static String required(String key, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("fuse: option `" + key + "' needs a value");
    }
    return value;
  }

  private static int integer(String key, String value) {
    return parse(key, value, 10);
  }

  private static int octal(String key, String value) {
    return parse(key, value, 8);
  }

  private static int parse(String key, String value, int radix) {
    try {
      return Integer.parseInt(required(key, value), radix);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("fuse: invalid value for `" + key + "': " + value);
    }
  }

  private static TransportKind transport(String value) {
    try {
      return TransportKind.valueOf(value.toUpperCase());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("fuse: transport must be uring, classic or auto, not " + value);
    }
  }

  private static long seconds(String key, String value) {
    try {
      double s = Double.parseDouble(required(key, value));
      if (s < 0 || Double.isNaN(s)) {
        throw new NumberFormatException();
      }
      return (long) (s * 1e9);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("fuse: invalid value for `" + key + "': " + value);
    }
  }
}
