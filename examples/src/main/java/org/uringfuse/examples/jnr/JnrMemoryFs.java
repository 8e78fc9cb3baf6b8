package org.uringfuse.examples.jnr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import jnr.ffi.Pointer;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * An in-memory filesystem written only against jnr-fuse's API ({@link FuseStubFS}), the way jnr-fuse
 * users write theirs: path based, negative errno returns, {@code getContext()} for the caller. It
 * implements what jnr-fuse's MemoryFS and HelloFuse examples and a typical passthrough use — files,
 * directories, symlinks, hard links, modes, owners, times, xattrs, statfs, access — and leaves
 * {@code fgetattr}, {@code opendir}, {@code fallocate} and {@code lock} unimplemented, so the
 * libfuse rules for missing callbacks are exercised too. Mounted by jnr-fuse's own
 * {@code mount} (libfuse 2) or by {@code UringFuse.mount}: the same class, unchanged.
 *
 * <p>Threads: callbacks come from several threads at once (libfuse's multithreaded loop or the
 * bridge's workers); one read-write lock guards the tree.
 */
public class JnrMemoryFs extends FuseStubFS {
  private static final int UTIME_NOW = (1 << 30) - 1;
  private static final int UTIME_OMIT = (1 << 30) - 2;
  private static final int XATTR_CREATE = 1;
  private static final int XATTR_REPLACE = 2;

  private abstract static class Node {
    int mode;
    int uid;
    int gid;
    int nlink = 1;
    long atimeNs;
    long mtimeNs;
    long ctimeNs;
    final Map<String, byte[]> xattrs = new TreeMap<>();

    Node(int mode, int uid, int gid) {
      this.mode = mode;
      this.uid = uid;
      this.gid = gid;
      long now = System.currentTimeMillis() * 1_000_000L;
      atimeNs = mtimeNs = ctimeNs = now;
    }

    abstract long size();
  }

  private static final class File extends Node {
    byte[] data = new byte[0];
    int length;

    File(int mode, int uid, int gid) {
      super(mode, uid, gid);
    }

    @Override
    long size() {
      return length;
    }

    void resize(long newLength) {
      if (newLength > data.length) {
        data = Arrays.copyOf(data, (int) Math.max(newLength, Math.min(Integer.MAX_VALUE - 8, 2L * data.length)));
      } else if (newLength < length) {
        Arrays.fill(data, (int) newLength, length, (byte) 0);
      }
      length = (int) newLength;
    }
  }

  private static final class Dir extends Node {
    final TreeMap<String, Node> entries = new TreeMap<>();

    Dir(int mode, int uid, int gid) {
      super(mode, uid, gid);
      nlink = 2;
    }

    @Override
    long size() {
      return 4096;
    }
  }

  private static final class Symlink extends Node {
    final String target;

    Symlink(String target, int uid, int gid) {
      super(FileStat.S_IFLNK | 0777, uid, gid);
      this.target = target;
    }

    @Override
    long size() {
      return target.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  private final Dir root = new Dir(FileStat.S_IFDIR | 0755, 0, 0);
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  // ---- path resolution ----

  private Node find(String path) {
    Node at = root;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!(at instanceof Dir d)) {
        return null;
      }
      at = d.entries.get(part);
      if (at == null) {
        return null;
      }
    }
    return at;
  }

  private Dir parentOf(String path) {
    Node n = find(path.substring(0, path.lastIndexOf('/') + 1));
    return n instanceof Dir d ? d : null;
  }

  private static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private int callerUid() {
    return (int) getContext().uid.get();
  }

  private int callerGid() {
    return (int) getContext().gid.get();
  }

  // ---- callbacks ----

  @Override
  public int getattr(String path, FileStat stat) {
    lock.readLock().lock();
    try {
      Node n = find(path);
      if (n == null) {
        return -ErrorCodes.ENOENT();
      }
      stat.st_mode.set(n.mode);
      stat.st_nlink.set(n.nlink);
      stat.st_uid.set(n.uid);
      stat.st_gid.set(n.gid);
      stat.st_size.set(n.size());
      stat.st_blocks.set((n.size() + 511) / 512);
      stat.st_blksize.set(4096);
      setTime(stat.st_atim, n.atimeNs);
      setTime(stat.st_mtim, n.mtimeNs);
      setTime(stat.st_ctim, n.ctimeNs);
      return 0;
    } finally {
      lock.readLock().unlock();
    }
  }

  private static void setTime(Timespec t, long ns) {
    t.tv_sec.set(ns / 1_000_000_000L);
    t.tv_nsec.set(ns % 1_000_000_000L);
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
    lock.readLock().lock();
    try {
      Node n = find(path);
      if (n == null) {
        return -ErrorCodes.ENOENT();
      }
      if (!(n instanceof Dir d)) {
        return -ErrorCodes.ENOTDIR();
      }
      filter.apply(buf, ".", null, 0);
      filter.apply(buf, "..", null, 0);
      for (String name : d.entries.keySet()) {
        filter.apply(buf, name, null, 0);
      }
      return 0;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int mkdir(String path, @mode_t long mode) {
    return add(path, new Dir(FileStat.S_IFDIR | (int) (mode & 07777), callerUid(), callerGid()));
  }

  @Override
  public int create(String path, @mode_t long mode, FuseFileInfo fi) {
    return add(path, new File(FileStat.S_IFREG | (int) (mode & 07777), callerUid(), callerGid()));
  }

  @Override
  public int mknod(String path, @mode_t long mode, long rdev) {
    int type = (int) mode & FileStat.S_IFMT;
    if (type != FileStat.S_IFREG && type != FileStat.S_IFIFO) {
      return -ErrorCodes.EPERM();
    }
    File f = new File((int) mode, callerUid(), callerGid());
    return add(path, f);
  }

  @Override
  public int symlink(String target, String path) {
    return add(path, new Symlink(target, callerUid(), callerGid()));
  }

  private int add(String path, Node node) {
    lock.writeLock().lock();
    try {
      Dir parent = parentOf(path);
      if (parent == null) {
        return find(path.substring(0, path.lastIndexOf('/') + 1)) == null ? -ErrorCodes.ENOENT() : -ErrorCodes.ENOTDIR();
      }
      String name = nameOf(path);
      if (parent.entries.containsKey(name)) {
        return -ErrorCodes.EEXIST();
      }
      parent.entries.put(name, node);
      if (node instanceof Dir) {
        parent.nlink++;
      }
      parent.mtimeNs = parent.ctimeNs = node.ctimeNs;
      return 0;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int link(String oldpath, String newpath) {
    lock.writeLock().lock();
    try {
      Node n = find(oldpath);
      if (n == null) {
        return -ErrorCodes.ENOENT();
      }
      if (n instanceof Dir) {
        return -ErrorCodes.EPERM();
      }
      Dir parent = parentOf(newpath);
      if (parent == null) {
        return -ErrorCodes.ENOENT();
      }
      if (parent.entries.putIfAbsent(nameOf(newpath), n) != null) {
        return -ErrorCodes.EEXIST();
      }
      n.nlink++;
      return 0;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int readlink(String path, Pointer buf, @size_t long size) {
    lock.readLock().lock();
    try {
      Node n = find(path);
      if (n == null) {
        return -ErrorCodes.ENOENT();
      }
      if (!(n instanceof Symlink s)) {
        return -ErrorCodes.EINVAL();
      }
      byte[] b = s.target.getBytes(StandardCharsets.UTF_8);
      int len = (int) Math.min(b.length, size - 1);
      buf.put(0, b, 0, len);
      buf.putByte(len, (byte) 0);
      return 0;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int unlink(String path) {
    return remove(path, false);
  }

  @Override
  public int rmdir(String path) {
    return remove(path, true);
  }

  private int remove(String path, boolean dir) {
    lock.writeLock().lock();
    try {
      Dir parent = parentOf(path);
      Node n = parent == null ? null : parent.entries.get(nameOf(path));
      if (n == null) {
        return -ErrorCodes.ENOENT();
      }
      if (dir && !(n instanceof Dir)) {
        return -ErrorCodes.ENOTDIR();
      }
      if (!dir && n instanceof Dir) {
        return -ErrorCodes.EISDIR();
      }
      if (n instanceof Dir d && !d.entries.isEmpty()) {
        return -ErrorCodes.ENOTEMPTY();
      }
      parent.entries.remove(nameOf(path));
      n.nlink -= dir ? 2 : 1;
      if (dir) {
        parent.nlink--;
      }
      return 0;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int rename(String oldpath, String newpath) {
    lock.writeLock().lock();
    try {
      Dir from = parentOf(oldpath);
      Dir to = parentOf(newpath);
      Node n = from == null ? null : from.entries.get(nameOf(oldpath));
      if (n == null || to == null) {
        return -ErrorCodes.ENOENT();
      }
      if (n instanceof Dir && (newpath + "/").startsWith(oldpath + "/")) {
        return -ErrorCodes.EINVAL();
      }
      Node old = to.entries.get(nameOf(newpath));
      if (old == n) {
        return 0;
      }
      if (old != null) {
        if (old instanceof Dir od) {
          if (!(n instanceof Dir)) {
            return -ErrorCodes.EISDIR();
          }
          if (!od.entries.isEmpty()) {
            return -ErrorCodes.ENOTEMPTY();
          }
          to.nlink--;
        } else if (n instanceof Dir) {
          return -ErrorCodes.ENOTDIR();
        }
        old.nlink--;
      }
      from.entries.remove(nameOf(oldpath));
      to.entries.put(nameOf(newpath), n);
      if (n instanceof Dir) {
        from.nlink--;
        to.nlink++;
      }
      return 0;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int chmod(String path, @mode_t long mode) {
    return update(path, n -> n.mode = (n.mode & FileStat.S_IFMT) | (int) (mode & 07777));
  }

  @Override
  public int chown(String path, long uid, long gid) {
    return update(path, n -> {
      if (uid != 0xffffffffL && uid != -1) {
        n.uid = (int) uid;
      }
      if (gid != 0xffffffffL && gid != -1) {
        n.gid = (int) gid;
      }
    });
  }

  @Override
  public int utimens(String path, Timespec[] timespec) {
    long now = System.currentTimeMillis() * 1_000_000L;
    return update(path, n -> {
      n.atimeNs = time(timespec[0], n.atimeNs, now);
      n.mtimeNs = time(timespec[1], n.mtimeNs, now);
    });
  }

  private static long time(Timespec t, long current, long now) {
    long nsec = t.tv_nsec.longValue();
    if (nsec == UTIME_OMIT) {
      return current;
    }
    if (nsec == UTIME_NOW) {
      return now;
    }
    return t.tv_sec.get() * 1_000_000_000L + nsec;
  }

  @Override
  public int truncate(String path, long size) {
    return withFile(path, true, f -> {
      f.resize(size);
      f.mtimeNs = f.ctimeNs = System.currentTimeMillis() * 1_000_000L;
      return 0;
    });
  }

  @Override
  public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
    return truncate(path, size);
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    return withNode(path, n -> 0);
  }

  @Override
  public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    return withFile(path, false, f -> {
      if (offset >= f.length) {
        return 0;
      }
      int count = (int) Math.min(size, f.length - offset);
      buf.put(0, f.data, (int) offset, count);
      return count;
    });
  }

  @Override
  public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    return withFile(path, true, f -> {
      if (offset + size > f.length) {
        f.resize(offset + size);
      }
      buf.get(0, f.data, (int) offset, (int) size);
      f.mtimeNs = f.ctimeNs = System.currentTimeMillis() * 1_000_000L;
      return (int) size;
    });
  }

  /** Runs {@code op} on the regular file at {@code path} under the read or write lock, or returns the errno. */
  private int withFile(String path, boolean write, ToIntFunction<File> op) {
    var l = write ? lock.writeLock() : lock.readLock();
    l.lock();
    try {
      Node n = find(path);
      if (n == null) {
        return -ErrorCodes.ENOENT();
      }
      if (!(n instanceof File f)) {
        return -ErrorCodes.EISDIR();
      }
      return op.applyAsInt(f);
    } finally {
      l.unlock();
    }
  }

  @Override
  public int flush(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public int statfs(String path, Statvfs stbuf) {
    stbuf.f_bsize.set(4096);
    stbuf.f_frsize.set(4096);
    stbuf.f_blocks.set(1 << 20);
    stbuf.f_bfree.set(1 << 19);
    stbuf.f_bavail.set(1 << 19);
    stbuf.f_files.set(1 << 16);
    stbuf.f_ffree.set(1 << 15);
    stbuf.f_namemax.set(255);
    return 0;
  }

  @Override
  public int access(String path, int mask) {
    return withNode(path, n -> 0);
  }

  @Override
  public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
    byte[] v = new byte[(int) size];
    value.get(0, v, 0, v.length);
    int[] res = {0};
    int found = update(path, n -> {
      boolean exists = n.xattrs.containsKey(name);
      if ((flags & XATTR_CREATE) != 0 && exists) {
        res[0] = -ErrorCodes.EEXIST();
      } else if ((flags & XATTR_REPLACE) != 0 && !exists) {
        res[0] = -ErrorCodes.ENODATA();
      } else {
        n.xattrs.put(name, v);
      }
    });
    return found != 0 ? found : res[0];
  }

  @Override
  public int getxattr(String path, String name, Pointer value, @size_t long size) {
    return withNode(path, n -> {
      byte[] v = n.xattrs.get(name);
      return v == null ? -ErrorCodes.ENODATA() : copyOut(v, value, size);
    });
  }

  @Override
  public int listxattr(String path, Pointer list, @size_t long size) {
    return withNode(path, n -> {
      StringBuilder sb = new StringBuilder();
      for (String name : n.xattrs.keySet()) {
        sb.append(name).append('\0');
      }
      return copyOut(sb.toString().getBytes(StandardCharsets.UTF_8), list, size);
    });
  }

  /** The xattr rule: size 0 asks for the length, a smaller buffer is ERANGE. */
  private static int copyOut(byte[] v, Pointer dst, long size) {
    if (size == 0) {
      return v.length;
    }
    if (size < v.length) {
      return -ErrorCodes.ERANGE();
    }
    dst.put(0, v, 0, v.length);
    return v.length;
  }

  private int withNode(String path, ToIntFunction<Node> op) {
    lock.readLock().lock();
    try {
      Node n = find(path);
      return n == null ? -ErrorCodes.ENOENT() : op.applyAsInt(n);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int removexattr(String path, String name) {
    int[] res = {0};
    int found = update(path, n -> {
      if (n.xattrs.remove(name) == null) {
        res[0] = -ErrorCodes.ENODATA();
      }
    });
    return found != 0 ? found : res[0];
  }

  private int update(String path, Consumer<Node> change) {
    lock.writeLock().lock();
    try {
      Node n = find(path);
      if (n == null) {
        return -ErrorCodes.ENOENT();
      }
      change.accept(n);
      n.ctimeNs = System.currentTimeMillis() * 1_000_000L;
      return 0;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
