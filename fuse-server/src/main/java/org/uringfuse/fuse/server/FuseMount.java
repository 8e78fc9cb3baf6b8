package org.uringfuse.fuse.server;

import static org.uringfuse.fuse.sys.FuseSyscalls.*;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.sys.FuseSyscalls;
import org.uringfuse.fuse.sys.Fusermount;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;

/**
 * One FUSE mount: opening {@code /dev/fuse}, {@code mount(2)} with the options (or fusermount3 for
 * users and auto_unmount), cloning device fds for more loops, and unmounting or aborting the
 * connection through fusectl. Errors a user will meet
 * are {@link IOException}s with a one-line message that says what to do.
 *
 * <p>Threads: created and closed by the thread that manages the session; {@link #cloneDevice} may
 * run on any thread.
 */
public final class FuseMount {
  private static final System.Logger LOG = System.getLogger(FuseMount.class.getName());
  static final Path FUSECTL = Path.of("/sys/fs/fuse/connections");
  /** Device fds are non-blocking: the channels poll them and read until EAGAIN. */
  private static final int DEVICE_FLAGS = FuseSyscalls.O_RDWR | FuseSyscalls.O_CLOEXEC | FuseSyscalls.O_NONBLOCK;

  private final Path mountpoint;
  private final int deviceFd;
  private final int connectionId;
  /** auto_unmount's watcher, or null. */
  private MountWatcher watcher;
  private boolean mounted;

  private FuseMount(Path mountpoint, int deviceFd, int connectionId) {
    this.mountpoint = mountpoint;
    this.deviceFd = deviceFd;
    this.connectionId = connectionId;
    this.mounted = true;
  }

  /**
   * Mounts a FUSE filesystem at {@code mountpoint}: a directory root, or a regular-file root when the
   * mountpoint is a regular file. The kernel queues FUSE_INIT at once; serve the (non-blocking)
   * device fd to answer it. Root mounts with mount(2); a user, who may not (EPERM), goes through
   * fusermount3 ({@link Fusermount}), with its rules: the mountpoint must be the user's, and
   * allow_other needs {@code user_allow_other} in /etc/fuse.conf. With auto_unmount a
   * {@link MountWatcher} unmounts if this process dies.
   */
  public static FuseMount mount(Path mountpoint, MountOptions o) throws IOException {
    Path mp = mountpoint.toAbsolutePath().normalize();
    if (!Files.exists(mp, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("mountpoint " + mp + " does not exist (create it first)");
    }
    mp = mp.toRealPath();
    if (isMountPoint(mp)) {
      throw new IOException("mountpoint " + mp + " is already a mount point (unmount it first: umount " + mp + ")");
    }
    FuseMount m;
    try (Arena a = Arena.ofConfined()) {
      int pin = pin(mp);
      try {
        m = mountPinned(mp, pin, o, a);
      } finally {
        LibC.close(pin);
      }
    }
    if (m == null) {
      m = mountWithHelper(mp, o);
    }
    if (o.autoUnmount()) {
      try {
        m.watcher = MountWatcher.start(mp);
      } catch (IOException e) {
        m.unmount(true);
        m.closeDevice();
        throw new IOException("auto_unmount: cannot start the watcher: " + e.getMessage(), e);
      }
    }
    return m;
  }

  /** Mounts through fusermount3 (see {@link #mount}). */
  private static FuseMount mountWithHelper(Path mp, MountOptions o) throws IOException {
    int fd = Fusermount.mount(mp, helperOptions(o));
    int conn = mountInfo(mp).map(FuseMount::minorOf).orElse(-1);
    FuseMount m = new FuseMount(mp, fd, conn);
    int r = FuseSyscalls.setNonBlocking(fd);
    if (r < 0) {
      m.unmount(true);
      m.closeDevice();
      throw new IOException("cannot make the /dev/fuse fd non-blocking: " + Errno.describe(r));
    }
    return m;
  }

  /** fusermount3's {@code -o} list for these options (it adds fd, rootmode, user_id and group_id). */
  static String helperOptions(MountOptions o) {
    StringBuilder sb = new StringBuilder();
    sb.append("fsname=").append(o.fsname()).append(",subtype=").append(o.subtype());
    sb.append(o.suid() ? ",suid" : ",nosuid").append(o.dev() ? ",dev" : ",nodev");
    if (o.readOnly()) {
      sb.append(",ro");
    }
    return fuseOptions(sb, o);
  }

  /**
   * Pins the resolved mountpoint: an O_PATH fd opened without following a symlink in any component
   * (openat2 RESOLVE_NO_SYMLINKS), and mount(2) goes through it. Whoever owns a directory on the
   * path cannot swap it (or a parent) for a symlink between the checks and the mount: the open
   * fails with ELOOP, or the mount lands on the directory that was checked.
   */
  static int pin(Path resolved) throws IOException {
    int fd = FuseSyscalls.openat2(LibC.AT_FDCWD, resolved.toString(), O_PATH | O_CLOEXEC,
        FuseSyscalls.RESOLVE_NO_SYMLINKS);
    if (fd < 0) {
      throw new IOException("mountpoint " + resolved + " cannot be opened: " + Errno.describe(fd)
          + (fd == -Errno.ELOOP ? " (a symlink appeared on its path)" : ""));
    }
    return fd;
  }

  /** mount(2) through the pin; null when the caller may not mount (EPERM: not root). */
  private static FuseMount mountPinned(Path mp, int pin, MountOptions o, Arena a) throws IOException {
    MemorySegment st = a.allocate(STATX_BYTES, 8);
    int sr = LibC.statx(pin, a.allocateFrom(""), AT_EMPTY_PATH, STATX_TYPE, st);
    if (sr < 0) {
      throw new IOException("cannot stat mountpoint " + mp + ": " + Errno.describe(sr));
    }
    int type = st.get(ValueLayout.JAVA_SHORT, STX_MODE) & S_IFMT;
    boolean fileRoot = type == S_IFREG;
    if (!fileRoot && type != S_IFDIR) {
      throw new IOException("mountpoint " + mp + " is neither a directory nor a regular file");
    }
    int fd = openDevice();
    if (fd < 0) {
      throw new IOException(fd == -Errno.ENOENT
          ? "/dev/fuse is missing: load the fuse module (modprobe fuse) or pass --device /dev/fuse to the container"
          : "cannot open /dev/fuse: " + Errno.describe(fd)
              + (fd == -Errno.EACCES || fd == -Errno.EPERM ? " (run as root)" : ""));
    }
    String data = mountData(fd, fileRoot, o);
    long mountFlags = (o.suid() ? 0 : FuseSyscalls.MS_NOSUID) | (o.dev() ? 0 : FuseSyscalls.MS_NODEV)
        | (o.readOnly() ? FuseSyscalls.MS_RDONLY : 0);
    int r = FuseSyscalls.mount(o.fsname(), "/proc/self/fd/" + pin, "fuse." + o.subtype(), mountFlags, data);
    if (r == -Errno.EPERM) {
      LibC.close(fd);
      return null;
    }
    if (r < 0) {
      LibC.close(fd);
      throw new IOException(switch (-r) {
        case Errno.ENODEV -> "mount " + mp + ": the kernel has no FUSE filesystem type (modprobe fuse)";
        case Errno.EBUSY -> "mount " + mp + ": mountpoint is busy";
        default -> "mount " + mp + " failed: " + Errno.describe(r) + " (options " + data + ")";
      });
    }
    int conn = mountInfo(mp).map(FuseMount::minorOf).orElse(-1);
    return new FuseMount(mp, fd, conn);
  }

  static String mountData(int fd, boolean fileRoot, MountOptions o) {
    StringBuilder sb = new StringBuilder();
    sb.append("fd=").append(fd);
    sb.append(",rootmode=").append(fileRoot ? "100000" : "40000");
    sb.append(",user_id=").append(FuseSyscalls.getuid());
    sb.append(",group_id=").append(FuseSyscalls.getgid());
    return fuseOptions(sb, o);
  }

  /** The options the fuse filesystem itself takes, after what {@code sb} holds already. */
  private static String fuseOptions(StringBuilder sb, MountOptions o) {
    if (o.allowOther()) {
      sb.append(",allow_other");
    }
    if (o.defaultPermissions()) {
      sb.append(",default_permissions");
    }
    if (o.maxRead() > 0) {
      sb.append(",max_read=").append(o.maxRead());
    }
    if (o.blksize() > 0) {
      sb.append(",blksize=").append(o.blksize());
    }
    return sb.toString();
  }

  private static int openDevice() {
    try (Arena a = Arena.ofConfined()) {
      return LibC.openat(LibC.AT_FDCWD, a.allocateFrom("/dev/fuse"), DEVICE_FLAGS, 0);
    }
  }

  /** Opens another {@code /dev/fuse} fd attached to this connection ({@code FUSE_DEV_IOC_CLONE}). */
  public int cloneDevice() throws IOException {
    int fd = openDevice();
    if (fd < 0) {
      throw new IOException("cannot open /dev/fuse for a clone: " + Errno.describe(fd));
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment src = a.allocate(ValueLayout.JAVA_INT);
      src.set(ValueLayout.JAVA_INT, 0, deviceFd);
      int r = FuseSyscalls.ioctl(fd, FuseKernel.FUSE_DEV_IOC_CLONE, src);
      if (r < 0) {
        LibC.close(fd);
        throw new IOException("FUSE_DEV_IOC_CLONE failed: " + Errno.describe(r));
      }
    }
    return fd;
  }

  public int deviceFd() {
    return deviceFd;
  }

  public Path mountpoint() {
    return mountpoint;
  }

  /**
   * Unmounts whatever FUSE filesystem is mounted at {@code mountpoint} ({@code uringfuse umount}):
   * umount(2), or for a user's own mount {@code fusermount3 -u}, as it was mounted. Its server then
   * sees the end and exits. Returns an empty string, or why not in a few words.
   */
  public static String unmountAt(Path mountpoint) {
    int r = FuseSyscalls.umount2(mountpoint.toString(), 0);
    if (r == 0) {
      return "";
    }
    if (r == -Errno.EPERM && FuseSyscalls.getuid() != 0 && Fusermount.available()) {
      try {
        return Fusermount.unmount(mountpoint, false);
      } catch (IOException e) {
        return e.getMessage();
      }
    }
    return switch (-r) {
      case Errno.EINVAL -> "not a mount point";
      case Errno.EBUSY -> "busy (files are open there; close them first)";
      case Errno.EPERM -> "permission denied (not your mount: run it as root)";
      case Errno.ENOENT -> "does not exist";
      default -> Errno.describe(r);
    };
  }

  /** True while the mountpoint is still mounted by this connection (read from mountinfo). */
  public boolean isMounted() {
    return mounted && mountInfo(mountpoint).map(l -> minorOf(l) == connectionId).orElse(false);
  }

  /**
   * Unmounts. When the mount is busy (open files) and {@code force} is set, the connection is
   * aborted through fusectl first and the mount detached. A user who may not umount(2) unmounts
   * with {@code fusermount3 -u} (and {@code -z}, lazily, when forced). Returns 0 or {@code -errno}.
   */
  public int unmount(boolean force) {
    if (watcher != null) {
      watcher.close();   // we unmount now: the watcher must not unmount a later mount here
      watcher = null;
    }
    if (!isMounted()) {
      mounted = false;
      return 0;
    }
    int r = FuseSyscalls.umount2(mountpoint.toString(), 0);
    if (r == -Errno.EPERM) {
      r = unmountWithHelper(force);
    }
    if (r == -Errno.EBUSY && force) {
      abort();
      r = FuseSyscalls.umount2(mountpoint.toString(), FuseSyscalls.MNT_DETACH);
    }
    if (r == 0 || r == -Errno.EINVAL || r == -Errno.ENOENT) {
      mounted = false;
      return 0;
    }
    return r;
  }

  private int unmountWithHelper(boolean force) {
    try {
      String failure = Fusermount.unmount(mountpoint, false);
      if (!failure.isEmpty() && force) {
        failure = Fusermount.unmount(mountpoint, true);
      }
      if (failure.isEmpty()) {
        return 0;
      }
      LOG.log(Level.WARNING, "{0}: {1}", mountpoint, failure);
      return -Errno.EBUSY;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "{0}: fusermount3 -u failed: {1}", mountpoint, e.getMessage());
      return -Errno.EPERM;
    }
  }

  /**
   * Aborts the connection: every pending and future request fails, readers see ENODEV. Needs root
   * (fusectl); false when it could not be done.
   */
  public boolean abort() {
    if (connectionId < 0) {
      return false;
    }
    try {
      if (!Files.isDirectory(FUSECTL.resolve(String.valueOf(connectionId)))) {
        FuseSyscalls.mount("fusectl", FUSECTL.toString(), "fusectl", 0, "");
      }
      Files.writeString(FUSECTL.resolve(connectionId + "/abort"), "1");
      return true;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "abort of FUSE connection {0} failed: {1}", connectionId, e.getMessage());
      return false;
    }
  }

  /** Closes the session's device fd (after the loops stopped using it). */
  public void closeDevice() {
    LibC.close(deviceFd);
  }

  /** True when something is mounted at {@code path} (an absolute, resolved path). */
  public static boolean isMountPoint(Path path) {
    return mountInfo(path).isPresent();
  }

  /** The /proc/self/mountinfo line of the mount at {@code path}, if any (the last one wins). */
  static Optional<String> mountInfo(Path path) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
      String want = path.toString();
      Optional<String> found = Optional.empty();
      for (String line : lines) {
        String[] f = line.split(" ");
        if (f.length > 4 && unescape(f[4]).equals(want)) {
          found = Optional.of(line);
        }
      }
      return found;
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static int minorOf(String mountInfoLine) {
    String[] majMin = mountInfoLine.split(" ")[2].split(":");
    return Integer.parseInt(majMin[1]);
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
