package org.uringfuse.examples;

import static org.uringfuse.fuse.api.Attr.S_IFDIR;
import static org.uringfuse.fuse.api.Attr.S_IFLNK;
import static org.uringfuse.fuse.api.Attr.S_IFMT;
import static org.uringfuse.fuse.api.Attr.S_IFREG;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.Entry;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.Replies.Reply;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Replies.ReplyCreate;
import org.uringfuse.fuse.api.Replies.ReplyData;
import org.uringfuse.fuse.api.Replies.ReplyDirectory;
import org.uringfuse.fuse.api.Replies.ReplyDirectoryPlus;
import org.uringfuse.fuse.api.Replies.ReplyEmpty;
import org.uringfuse.fuse.api.Replies.ReplyEntry;
import org.uringfuse.fuse.api.Replies.ReplyLseek;
import org.uringfuse.fuse.api.Replies.ReplyOpen;
import org.uringfuse.fuse.api.Replies.ReplyStatfs;
import org.uringfuse.fuse.api.Replies.ReplyWrite;
import org.uringfuse.fuse.api.Replies.ReplyXattr;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.api.SetAttr;
import org.uringfuse.fuse.api.Statfs;
import org.uringfuse.ring.Errno;

/**
 * An in-memory filesystem on the inode-level API: regular files, directories, symlinks, hard links,
 * device nodes and fifos, xattrs, rename with NOREPLACE/EXCHANGE. It is the test subject of the
 * protocol tests and the example to start from when writing a filesystem.
 *
 * <p>Threads: called from every loop thread at once; one lock ({@code this}) guards the tree, which
 * is enough for an example. Node ids come from a counter and are never reused.
 */
public final class MemoryFs implements Filesystem {
  private static final long TIMEOUT = 1_000_000_000L;
  private static final int XATTR_CREATE = 1;
  private static final int XATTR_REPLACE = 2;
  private static final int SEEK_DATA = 3;
  private static final int SEEK_HOLE = 4;

  private final Map<Long, Node> nodes = new HashMap<>();
  private final AtomicLong nextId = new AtomicLong(NodeId.ROOT.value() + 1);
  private final Map<Long, Long> lookups = new ConcurrentHashMap<>();

  /** One inode. Guarded by the filesystem's lock. */
  private static final class Node {
    final long id;
    int mode;
    int uid;
    int gid;
    int rdev;
    int nlink;
    long atime = System.currentTimeMillis() * 1_000_000L;
    long mtime = atime;
    long ctime = atime;
    byte[] data = new byte[0];
    long size;
    String target;
    final TreeMap<Long, String> entriesByCookie = new TreeMap<>();
    final Map<String, long[]> children = new LinkedHashMap<>();   // name -> {node id, cookie}
    long nextCookie = 3;   // 1 and 2 are "." and ".."
    long parent;
    final Map<String, byte[]> xattrs = new LinkedHashMap<>();

    Node(long id, int mode, int uid, int gid) {
      this.id = id;
      this.mode = mode;
      this.uid = uid;
      this.gid = gid;
      this.nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
    }

    boolean isDir() {
      return (mode & S_IFMT) == S_IFDIR;
    }

    Attr attr() {
      return new Attr(id, size, (size + 511) / 512, atime / 1_000_000_000L, (int) (atime % 1_000_000_000L),
          mtime / 1_000_000_000L, (int) (mtime % 1_000_000_000L), ctime / 1_000_000_000L,
          (int) (ctime % 1_000_000_000L), mode, nlink, uid, gid, rdev, 4096);
    }
  }

  public MemoryFs() {
    Node root = new Node(NodeId.ROOT.value(), S_IFDIR | 0755, 0, 0);
    root.parent = root.id;
    nodes.put(root.id, root);
  }

  /** Lookup references the kernel holds, per node (tests watch FORGET with it). */
  public long lookupCount(long node) {
    return lookups.getOrDefault(node, 0L);
  }

  /** Number of live nodes (root included). */
  public synchronized int nodeCount() {
    return nodes.size();
  }

  private static long now() {
    return System.currentTimeMillis() * 1_000_000L;
  }

  private Entry entry(Node n) {
    lookups.merge(n.id, 1L, Long::sum);
    return new Entry(new NodeId(n.id), 0, n.attr(), TIMEOUT, TIMEOUT);
  }

  private Node dir(long id) {
    Node n = nodes.get(id);
    return n != null && n.isDir() ? n : null;
  }

  private void addChild(Node parent, String name, Node child) {
    long cookie = parent.nextCookie++;
    parent.children.put(name, new long[] {child.id, cookie});
    parent.entriesByCookie.put(cookie, name);
    parent.mtime = parent.ctime = now();
    if (child.isDir()) {
      parent.nlink++;
      child.parent = parent.id;
    }
  }

  private void removeChild(Node parent, String name) {
    long[] e = parent.children.remove(name);
    parent.entriesByCookie.remove(e[1]);
    parent.mtime = parent.ctime = now();
    Node child = nodes.get(e[0]);
    if (child.isDir()) {
      parent.nlink--;
      child.nlink = 0;
    } else {
      child.nlink--;
    }
    child.ctime = now();
    maybeFree(child);
  }

  private void maybeFree(Node n) {
    if (n.nlink == 0 && lookups.getOrDefault(n.id, 0L) == 0 && n.id != NodeId.ROOT.value()) {
      nodes.remove(n.id);
    }
  }

  @Override
  public synchronized void lookup(Request req, NodeId parent, String name, ReplyEntry reply) {
    Node d = dir(parent.value());
    if (d == null) {
      reply.error(Errno.ENOTDIR);
      return;
    }
    long[] e = d.children.get(name);
    if (e == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    reply.ok(entry(nodes.get(e[0])));
  }

  @Override
  public synchronized void forget(Request req, NodeId node, long lookupCount) {
    long left = lookups.merge(node.value(), -lookupCount, Long::sum);
    if (left < 0) {
      throw new IllegalStateException("lookup count of node.value() " + node.value() + " went negative: " + left);
    }
    if (left == 0) {
      lookups.remove(node.value());
      Node n = nodes.get(node.value());
      if (n != null) {
        maybeFree(n);
      }
    }
  }

  @Override
  public synchronized void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
    Node n = nodes.get(node.value());
    if (n == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    reply.ok(n.attr(), TIMEOUT);
  }

  @Override
  public synchronized void setattr(Request req, NodeId node, SetAttr c, ReplyAttr reply) {
    Node n = nodes.get(node.value());
    if (n == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    if (c.hasMode()) {
      n.mode = (n.mode & S_IFMT) | (c.mode() & 07777);
    } else if (req.killSuidGid()) {
      n.mode = Attr.withoutSetIdBits(n.mode);
    }
    if (c.hasUid()) {
      n.uid = c.uid();
    }
    if (c.hasGid()) {
      n.gid = c.gid();
    }
    if (c.hasSize()) {
      if (n.isDir()) {
        reply.error(Errno.EISDIR);
        return;
      }
      resize(n, c.size());
      n.mtime = now();
    }
    if (c.hasAtime()) {
      n.atime = c.atimeNow() ? now() : c.atimeSec() * 1_000_000_000L + c.atimeNsec();
    }
    if (c.hasMtime()) {
      n.mtime = c.mtimeNow() ? now() : c.mtimeSec() * 1_000_000_000L + c.mtimeNsec();
    }
    n.ctime = now();
    reply.ok(n.attr(), TIMEOUT);
  }

  private static void resize(Node n, long size) {
    if (size > n.data.length) {
      n.data = Arrays.copyOf(n.data, (int) Math.max(size, Math.min(Integer.MAX_VALUE - 8, n.data.length * 2L)));
    } else if (size < n.size) {
      Arrays.fill(n.data, (int) size, (int) n.size, (byte) 0);
    }
    n.size = size;
  }

  @Override
  public synchronized void readlink(Request req, NodeId node, ReplyData reply) {
    Node n = nodes.get(node.value());
    if (n == null || n.target == null) {
      reply.error(Errno.EINVAL);
      return;
    }
    reply.ok(n.target.getBytes(StandardCharsets.UTF_8));
  }

  private Node create(Request req, long parent, String name, int mode, Reply reply) {
    Node d = dir(parent);
    if (d == null) {
      reply.error(Errno.ENOTDIR);
      return null;
    }
    if (d.children.containsKey(name)) {
      reply.error(Errno.EEXIST);
      return null;
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
      reply.error(Errno.ENAMETOOLONG);
      return null;
    }
    int gid = (d.mode & 02000) != 0 ? d.gid : req.gid();
    if ((mode & S_IFMT) == S_IFDIR && (d.mode & 02000) != 0) {
      mode |= 02000;
    }
    Node n = new Node(nextId.getAndIncrement(), mode, req.uid(), gid);
    nodes.put(n.id, n);
    addChild(d, name, n);
    return n;
  }

  @Override
  public synchronized void symlink(Request req, NodeId parent, String name, String target, ReplyEntry reply) {
    Node n = create(req, parent.value(), name, S_IFLNK | 0777, reply);
    if (n != null) {
      n.target = target;
      n.size = target.getBytes(StandardCharsets.UTF_8).length;
      reply.ok(entry(n));
    }
  }

  @Override
  public synchronized void mknod(Request req, NodeId parent, String name, int mode, int rdev, int umask,
        ReplyEntry reply) {
    Node n = create(req, parent.value(), name, mode & ~umask, reply);
    if (n != null) {
      n.rdev = rdev;
      reply.ok(entry(n));
    }
  }

  @Override
  public synchronized void mkdir(Request req, NodeId parent, String name, int mode, int umask, ReplyEntry reply) {
    Node n = create(req, parent.value(), name, S_IFDIR | (mode & ~umask & 07777), reply);
    if (n != null) {
      reply.ok(entry(n));
    }
  }

  @Override
  public synchronized void create(Request req, NodeId parent, String name, int mode, int umask, int flags,
        ReplyCreate reply) {
    Node n = create(req, parent.value(), name, S_IFREG | (mode & ~umask & 07777), reply);
    if (n != null) {
      reply.ok(entry(n), new FileHandle(0), 0);
    }
  }

  @Override
  public synchronized void unlink(Request req, NodeId parent, String name, ReplyEmpty reply) {
    Node d = dir(parent.value());
    long[] e = d == null ? null : d.children.get(name);
    if (e == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    if (nodes.get(e[0]).isDir()) {
      reply.error(Errno.EISDIR);
      return;
    }
    removeChild(d, name);
    reply.ok();
  }

  @Override
  public synchronized void rmdir(Request req, NodeId parent, String name, ReplyEmpty reply) {
    Node d = dir(parent.value());
    long[] e = d == null ? null : d.children.get(name);
    if (e == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    Node victim = nodes.get(e[0]);
    if (!victim.isDir()) {
      reply.error(Errno.ENOTDIR);
      return;
    }
    if (!victim.children.isEmpty()) {
      reply.error(Errno.ENOTEMPTY);
      return;
    }
    removeChild(d, name);
    reply.ok();
  }

  @Override
  public synchronized void rename(Request req, NodeId parent, String name, NodeId newParent, String newName,
        int flags, ReplyEmpty reply) {
    Node from = dir(parent.value());
    Node to = dir(newParent.value());
    long[] src = from == null ? null : from.children.get(name);
    if (src == null || to == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    long[] dst = to.children.get(newName);
    if ((flags & 1) != 0 && dst != null) {
      reply.error(Errno.EEXIST);
      return;
    }
    if ((flags & 2) != 0) {
      if (dst == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      Node a = nodes.get(src[0]);
      Node b = nodes.get(dst[0]);
      src[0] = b.id;
      dst[0] = a.id;
      if (a.isDir()) {
        a.parent = to.id;
      }
      if (b.isDir()) {
        b.parent = from.id;
      }
      if (a.isDir() != b.isDir() && from != to) {
        from.nlink += a.isDir() ? -1 : 1;
        to.nlink += a.isDir() ? 1 : -1;
      }
      from.mtime = to.mtime = now();
      reply.ok();
      return;
    }
    Node moving = nodes.get(src[0]);
    if (moving.isDir() && isAncestor(moving.id, to.id)) {
      reply.error(Errno.EINVAL);
      return;
    }
    if (dst != null) {
      if (dst[0] == src[0]) {
        reply.ok();
        return;
      }
      Node victim = nodes.get(dst[0]);
      if (victim.isDir() && !moving.isDir()) {
        reply.error(Errno.EISDIR);
        return;
      }
      if (!victim.isDir() && moving.isDir()) {
        reply.error(Errno.ENOTDIR);
        return;
      }
      if (victim.isDir() && !victim.children.isEmpty()) {
        reply.error(Errno.ENOTEMPTY);
        return;
      }
      removeChild(to, newName);
    }
    from.children.remove(name);
    from.entriesByCookie.remove(src[1]);
    if (moving.isDir()) {
      from.nlink--;
    }
    addChild(to, newName, moving);
    from.mtime = from.ctime = now();
    moving.ctime = now();
    reply.ok();
  }

  private boolean isAncestor(long ancestor, long node) {
    long cur = node;
    while (true) {
      if (cur == ancestor) {
        return true;
      }
      if (cur == NodeId.ROOT.value()) {
        return false;
      }
      cur = nodes.get(cur).parent;
    }
  }

  @Override
  public synchronized void link(Request req, NodeId node, NodeId newParent, String newName, ReplyEntry reply) {
    Node n = nodes.get(node.value());
    Node d = dir(newParent.value());
    if (n == null || d == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    if (n.isDir()) {
      reply.error(Errno.EPERM);
      return;
    }
    if (d.children.containsKey(newName)) {
      reply.error(Errno.EEXIST);
      return;
    }
    n.nlink++;
    addChild(d, newName, n);
    n.ctime = now();
    reply.ok(entry(n));
  }

  @Override
  public synchronized void open(Request req, NodeId node, int flags, ReplyOpen reply) {
    Node n = nodes.get(node.value());
    if (n == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    if ((flags & 01000) != 0) {   // O_TRUNC (ATOMIC_O_TRUNC)
      resize(n, 0);
      n.mtime = n.ctime = now();
      if (req.killSuidGid()) {
        n.mode = Attr.withoutSetIdBits(n.mode);
      }
    }
    reply.ok(new FileHandle(0), 0);
  }

  @Override
  public synchronized void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
    Node n = nodes.get(node.value());
    if (n == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    if (offset >= n.size) {
      reply.ok(new byte[0]);
      return;
    }
    int len = (int) Math.min(size, n.size - offset);
    MemorySegment buf = reply.buffer();
    MemorySegment.copy(n.data, (int) offset, buf, ValueLayout.JAVA_BYTE, 0, len);
    n.atime = now();
    reply.ok(len);
  }

  @Override
  public synchronized void write(Request req, NodeId node, FileHandle fh, long offset, MemorySegment data,
        int writeFlags, ReplyWrite reply) {
    Node n = nodes.get(node.value());
    if (n == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    long end = offset + data.byteSize();
    if (end > Integer.MAX_VALUE - 8) {
      reply.error(Errno.EFBIG);
      return;
    }
    if (end > n.size) {
      resize(n, end);
    }
    MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, n.data, (int) offset, (int) data.byteSize());
    n.mtime = n.ctime = now();
    if (req.killSuidGid()) {
      n.mode = Attr.withoutSetIdBits(n.mode);   // HANDLE_KILLPRIV_V2: the caller may not keep them
    }
    reply.ok(data.byteSize());
  }

  @Override
  public synchronized void statfs(Request req, NodeId node, ReplyStatfs reply) {
    long used = 0;
    for (Node n : nodes.values()) {
      used += (n.size + 4095) / 4096;
    }
    long total = 1L << 20;
    reply.ok(new Statfs(total, total - used, total - used, 1 << 20, (1 << 20) - nodes.size(), 4096, 255, 4096));
  }

  @Override
  public void flush(Request req, NodeId node, FileHandle fh, long lockOwner, ReplyEmpty reply) {
    reply.ok();
  }

  @Override
  public void fsync(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
    reply.ok();
  }

  @Override
  public void fsyncdir(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
    reply.ok();
  }

  @Override
  public synchronized void setxattr(Request req, NodeId node, String name, MemorySegment value, int flags,
        ReplyEmpty reply) {
    Node n = nodes.get(node.value());
    if (n == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    boolean exists = n.xattrs.containsKey(name);
    if ((flags & XATTR_CREATE) != 0 && exists) {
      reply.error(Errno.EEXIST);
      return;
    }
    if ((flags & XATTR_REPLACE) != 0 && !exists) {
      reply.error(Errno.ENODATA);
      return;
    }
    n.xattrs.put(name, value.toArray(ValueLayout.JAVA_BYTE));
    n.ctime = now();
    reply.ok();
  }

  @Override
  public synchronized void getxattr(Request req, NodeId node, String name, int size, ReplyXattr reply) {
    Node n = nodes.get(node.value());
    byte[] v = n == null ? null : n.xattrs.get(name);
    if (v == null) {
      reply.error(Errno.ENODATA);
    } else {
      reply.ok(v);
    }
  }

  @Override
  public synchronized void listxattr(Request req, NodeId node, int size, ReplyXattr reply) {
    Node n = nodes.get(node.value());
    if (n == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (String k : n.xattrs.keySet()) {
      sb.append(k).append('\0');
    }
    reply.ok(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public synchronized void removexattr(Request req, NodeId node, String name, ReplyEmpty reply) {
    Node n = nodes.get(node.value());
    if (n == null || n.xattrs.remove(name) == null) {
      reply.error(Errno.ENODATA);
      return;
    }
    reply.ok();
  }

  @Override
  public synchronized void readdir(Request req, NodeId node, FileHandle fh, long offset, ReplyDirectory reply) {
    Node d = dir(node.value());
    if (d == null) {
      reply.error(Errno.ENOTDIR);
      return;
    }
    if (offset < 1 && !reply.add(d.id, ".", S_IFDIR >>> 12, 1)) {
      reply.ok();
      return;
    }
    if (offset < 2 && !reply.add(d.parent, "..", S_IFDIR >>> 12, 2)) {
      reply.ok();
      return;
    }
    for (Map.Entry<Long, String> e : d.entriesByCookie.tailMap(Math.max(offset, 2), false).entrySet()) {
      Node c = nodes.get(d.children.get(e.getValue())[0]);
      if (!reply.add(c.id, e.getValue(), Attr.direntType(c.mode), e.getKey())) {
        break;
      }
    }
    reply.ok();
  }

  @Override
  public boolean supportsReaddirplus() {
    return true;
  }

  @Override
  public synchronized void readdirplus(Request req, NodeId node, FileHandle fh, long offset, ReplyDirectoryPlus reply) {
    Node d = dir(node.value());
    if (d == null) {
      reply.error(Errno.ENOTDIR);
      return;
    }
    for (Map.Entry<Long, String> e : d.entriesByCookie.tailMap(Math.max(offset, 2), false).entrySet()) {
      Node c = nodes.get(d.children.get(e.getValue())[0]);
      Entry entry = new Entry(new NodeId(c.id), 0, c.attr(), TIMEOUT, TIMEOUT);
      if (!reply.add(entry, e.getValue(), e.getKey())) {
        break;
      }
      lookups.merge(c.id, 1L, Long::sum);
    }
    reply.ok();
  }

  @Override
  public void access(Request req, NodeId node, int mask, ReplyEmpty reply) {
    reply.ok();
  }

  @Override
  public synchronized void fallocate(Request req, NodeId node, FileHandle fh, long offset, long length, int mode,
        ReplyEmpty reply) {
    Node n = nodes.get(node.value());
    if (n == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    if ((mode & ~1) != 0) {
      reply.error(Errno.EOPNOTSUPP);
      return;
    }
    if ((mode & 1) == 0 && offset + length > n.size) {
      resize(n, offset + length);
    }
    reply.ok();
  }

  @Override
  public synchronized void lseek(Request req, NodeId node, FileHandle fh, long offset, int whence, ReplyLseek reply) {
    Node n = nodes.get(node.value());
    if (n == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    if (offset >= n.size) {
      reply.error(Errno.ENXIO);
    } else if (whence == SEEK_DATA) {
      reply.ok(offset);
    } else if (whence == SEEK_HOLE) {
      reply.ok(n.size);
    } else {
      reply.error(Errno.EINVAL);
    }
  }

  @Override
  public synchronized void copyFileRange(Request req, NodeId nodeIn, FileHandle fhIn, long offsetIn, NodeId nodeOut,
        FileHandle fhOut, long offsetOut, long length, int flags, ReplyWrite reply) {
    Node in = nodes.get(nodeIn.value());
    Node out = nodes.get(nodeOut.value());
    if (in == null || out == null) {
      reply.error(Errno.ENOENT);
      return;
    }
    long len = Math.max(0, Math.min(length, in.size - offsetIn));
    if (offsetOut + len > out.size) {
      resize(out, offsetOut + len);
    }
    System.arraycopy(in.data, (int) offsetIn, out.data, (int) offsetOut, (int) len);
    out.mtime = out.ctime = now();
    reply.ok(len);
  }
}
