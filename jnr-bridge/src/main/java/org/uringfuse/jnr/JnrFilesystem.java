package org.uringfuse.jnr;

import static org.uringfuse.fuse.abi.FuseKernel.FATTR_ATIME;
import static org.uringfuse.fuse.abi.FuseKernel.FATTR_GID;
import static org.uringfuse.fuse.abi.FuseKernel.FATTR_MTIME;
import static org.uringfuse.fuse.abi.FuseKernel.FATTR_UID;
import static org.uringfuse.fuse.api.InitFlags.FUSE_ATOMIC_O_TRUNC;
import static org.uringfuse.fuse.api.InitFlags.FUSE_HANDLE_KILLPRIV_V2;
import static org.uringfuse.fuse.api.OpenFlags.FOPEN_DIRECT_IO;
import static org.uringfuse.fuse.api.OpenFlags.FOPEN_KEEP_CACHE;
import static org.uringfuse.fuse.api.OpenFlags.FOPEN_NONSEEKABLE;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.function.ToIntFunction;
import jnr.ffi.Pointer;
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
import org.uringfuse.fuse.api.Replies.ReplyEmpty;
import org.uringfuse.fuse.api.Replies.ReplyEntry;
import org.uringfuse.fuse.api.Replies.ReplyOpen;
import org.uringfuse.fuse.api.Replies.ReplyStatfs;
import org.uringfuse.fuse.api.Replies.ReplyWrite;
import org.uringfuse.fuse.api.Replies.ReplyXattr;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.api.SetAttr;
import org.uringfuse.fuse.api.Statfs;
import org.uringfuse.ring.Errno;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * A jnr-fuse filesystem ({@link FuseFS}, path based) served as a uringfuse {@link Filesystem} (node
 * based): libfuse 2's high-level layer in Java. Each operation becomes the jnr-fuse callback libfuse
 * would call, with jnr-fuse's own struct objects over native memory ({@link CallScratch}) and
 * pointers straight into the request and reply buffers (READ fills the transport's reply buffer,
 * WRITE hands over the request's payload). A callback's negative errno becomes the error reply; a
 * callback the filesystem does not implement behaves as under libfuse (ENOSYS for most operations,
 * success for open/opendir/release/releasedir, defaults for statfs).
 *
 * <p>Threads: the server calls this class on event-loop threads; every callback runs on the bounded
 * {@link WorkerPool} (filesystems written for libfuse may block), and the reply is posted back to the
 * request's loop by the reply object. FORGET is answered on the loop (it only touches the table).
 */
final class JnrFilesystem implements Filesystem {
  private static final Logger LOG = System.getLogger(JnrFilesystem.class.getName());
  private static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final int O_WRONLY = 01;

  private final FuseFS fs;
  private final BridgeOptions options;
  private final Callbacks has;
  private final WorkerPool workers;
  private final PathTable nodes = new PathTable();
  private final Directories dirs = new Directories();
  private volatile Pointer privateData;

  JnrFilesystem(FuseFS fs, BridgeOptions options, WorkerPool workers) {
    this.fs = fs;
    this.options = options;
    this.has = new Callbacks(fs);
    this.workers = workers;
  }

  /** libfuse's {@code init}: called before the mount goes live, on the mounting thread. */
  void initFilesystem(MemorySegment connInfo) {
    if (has.has("init")) {
      privateData = fs.init(CallScratch.pointer(connInfo));
    }
  }

  /** libfuse's {@code destroy}: after the last request, on the thread that ends the mount. */
  void destroyFilesystem() {
    if (has.has("destroy")) {
      fs.destroy(privateData);
    }
  }

  @Override
  public long declinedInitFlags() {
    // libfuse 2's defaults: open() never sees O_TRUNC, and the kernel clears set-id bits itself.
    return FUSE_ATOMIC_O_TRUNC | FUSE_HANDLE_KILLPRIV_V2;
  }

  // ---- names ----

  @Override
  public void lookup(Request req, NodeId parent, String name, ReplyEntry reply) {
    run(req, 0, reply, "lookup", () -> {
      String path = nodes.childPath(parent.value(), name);
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      int res = getattrOf(path);
      if (res == -Errno.ENOENT && options.negativeTimeoutNanos() > 0) {
        reply.ok(Entry.negative(options.negativeTimeoutNanos()));
      } else if (res != 0) {
        reply.error(errno(res));
      } else {
        reply.ok(entry(parent.value(), name));
      }
    });
  }

  @Override
  public void forget(Request req, NodeId node, long lookupCount) {
    nodes.forget(node.value(), lookupCount);
  }

  @Override
  public void mknod(Request req, NodeId parent, String name, int mode, int rdev, int umask, ReplyEntry reply) {
    run(req, umask, reply, "mknod", () -> {
      String path = nodes.childPath(parent.value(), name);
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      int res = -Errno.ENOSYS;
      if ((mode & Attr.S_IFMT) == Attr.S_IFREG && has.has("create")) {
        FuseFileInfo fi = CallScratch.current().fileInfo(O_CREAT | O_EXCL | O_WRONLY, 0, 0);
        res = fs.create(path, mode, fi);
        if (res == 0) {
          long userFh = fi.fh.longValue();
          res = getattrOf(path);
          fs.release(path, CallScratch.current().fileInfo(O_CREAT | O_EXCL | O_WRONLY, userFh, 0));
          if (res == 0) {
            reply.ok(entry(parent.value(), name));
            return;
          }
        }
      }
      if (res == -Errno.ENOSYS) {
        makeName(parent.value(), name, "mknod", p -> fs.mknod(p, mode, Integer.toUnsignedLong(rdev)), reply);
      } else {
        reply.error(errno(res));
      }
    });
  }

  @Override
  public void mkdir(Request req, NodeId parent, String name, int mode, int umask, ReplyEntry reply) {
    run(req, umask, reply, "mkdir", () -> makeName(parent.value(), name, "mkdir", path -> fs.mkdir(path, mode), reply));
  }

  @Override
  public void symlink(Request req, NodeId parent, String name, String target, ReplyEntry reply) {
    run(req, 0, reply, "symlink", () -> makeName(parent.value(), name, "symlink", path -> fs.symlink(target, path),
        reply));
  }

  @Override
  public void link(Request req, NodeId node, NodeId newParent, String newName, ReplyEntry reply) {
    run(req, 0, reply, "link", () -> {
      String from = nodes.path(node.value());
      if (from == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      makeName(newParent.value(), newName, "link", to -> fs.link(from, to), reply);
    });
  }

  /** {@code op} on {@code path}: ENOENT when the node has no path, ENOSYS when the callback is missing. */
  private int onPath(String path, String callback, ToIntFunction<String> op) {
    if (path == null) {
      return -Errno.ENOENT;
    }
    return has.has(callback) ? op.applyAsInt(path) : -Errno.ENOSYS;
  }

  /** A callback that makes {@code name} under {@code parent}, then the lookup of it for the entry reply. */
  private void makeName(long parent, String name, String callback, ToIntFunction<String> make,
      ReplyEntry reply) {
    String path = nodes.childPath(parent, name);
    int res = onPath(path, callback, make);
    if (res == 0) {
      res = lookupAfterCreate(parent, name, path, reply);
    }
    if (res != 0) {
      reply.error(errno(res));
    }
  }

  @Override
  public void unlink(Request req, NodeId parent, String name, ReplyEmpty reply) {
    run(req, 0, reply, "unlink", () -> {
      String path = nodes.childPath(parent.value(), name);
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      int res;
      if (!options.hardRemove() && nodes.isOpen(parent.value(), name)) {
        res = hide(parent.value(), name, path);
      } else {
        res = has.has("unlink") ? fs.unlink(path) : -Errno.ENOSYS;
        if (res == 0) {
          nodes.remove(parent.value(), name);
        }
      }
      answer(reply, res);
    });
  }

  @Override
  public void rmdir(Request req, NodeId parent, String name, ReplyEmpty reply) {
    run(req, 0, reply, "rmdir", () -> {
      int res = onPath(nodes.childPath(parent.value(), name), "rmdir", fs::rmdir);
      if (res == 0) {
        nodes.remove(parent.value(), name);
      }
      answer(reply, res);
    });
  }

  @Override
  public void rename(Request req, NodeId parent, String name, NodeId newParent, String newName, int flags,
        ReplyEmpty reply) {
    if (flags != 0) {
      // libfuse 2 has no RENAME2: the kernel turns this ENOSYS into EINVAL for the caller, as there.
      reply.error(Errno.ENOSYS);
      return;
    }
    run(req, 0, reply, "rename", () -> {
      String from = nodes.childPath(parent.value(), name);
      String to = nodes.childPath(newParent.value(), newName);
      if (from == null || to == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      if (!has.has("rename")) {
        reply.error(Errno.ENOSYS);
        return;
      }
      int res = 0;
      if (!options.hardRemove() && nodes.isOpen(newParent.value(), newName)) {
        res = hide(newParent.value(), newName, to);
      }
      if (res == 0) {
        res = fs.rename(from, to);
        if (res == 0) {
          nodes.rename(parent.value(), name, newParent.value(), newName, false);
        }
      }
      answer(reply, res);
    });
  }

  /** libfuse's hide_node: an open file being unlinked or replaced is renamed to a hidden name. */
  private int hide(long parent, String name, String path) {
    if (!has.has("rename")) {
      return -Errno.ENOSYS;
    }
    for (int attempt = 0; attempt < 10; attempt++) {
      String hidden = nodes.hiddenName(parent, name);
      String hiddenPath = nodes.childPath(parent, hidden);
      if (hiddenPath == null) {
        return -Errno.ENOENT;
      }
      if (getattrOf(hiddenPath) != -Errno.ENOENT) {
        continue;   // the name is taken (or unknown): try another, as libfuse does
      }
      int res = fs.rename(path, hiddenPath);
      if (res == 0 && nodes.hide(parent, name, hidden) && has.has("unlink") && fs.unlink(hiddenPath) == 0) {
        nodes.remove(parent, hidden);   // closed while being hidden: no RELEASE is left to remove it
      }
      return res;
    }
    return -Errno.EBUSY;
  }

  /** libfuse's fuse_destroy: hidden files still there at the end are unlinked. */
  void removeHiddenFiles() {
    if (has.has("unlink")) {
      for (String path : nodes.hiddenPaths()) {
        fs.unlink(path);
      }
    }
  }

  // ---- attributes ----

  @Override
  public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
    run(req, 0, reply, "getattr", () -> {
      String path = nodes.path(node.value());
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      int res = stat(path, fh.map(FileHandle::value).orElse(-1L));   // libfuse: no fuse_file_info
      if (res != 0) {
        reply.error(errno(res));
      } else {
        reply.ok(attrOf(node.value()), options.attrTimeoutNanos());
      }
    });
  }

  @Override
  public void setattr(Request req, NodeId node, SetAttr c, ReplyAttr reply) {
    run(req, 0, reply, "setattr", () -> {
      String path = nodes.path(node.value());
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      long fh = c.fileHandle().map(FileHandle::value).orElse(-1L);
      int res = 0;
      if (c.hasMode()) {
        res = has.has("chmod") ? fs.chmod(path, c.mode()) : -Errno.ENOSYS;
      }
      if (res == 0 && (c.has(FATTR_UID) || c.has(FATTR_GID))) {
        long uid = c.hasUid() ? Integer.toUnsignedLong(c.uid()) : 0xffffffffL;
        long gid = c.hasGid() ? Integer.toUnsignedLong(c.gid()) : 0xffffffffL;
        res = has.has("chown") ? fs.chown(path, uid, gid) : -Errno.ENOSYS;
      }
      if (res == 0 && c.hasSize()) {
        res = truncate(path, c.size(), fh);
      }
      if (res == 0 && c.has(FATTR_ATIME) && c.has(FATTR_MTIME)) {
        // libfuse 2 without utime_omit_ok (jnr-fuse never sets it): only when both times change, and
        // with the times the kernel sent (for "now" too); a change of one time alone is not passed on.
        res = has.has("utimens") ? fs.utimens(path, times(c)) : -Errno.ENOSYS;
      }
      if (res == 0) {
        res = stat(path, fh);
      }
      if (res != 0) {
        reply.error(errno(res));
      } else {
        reply.ok(attrOf(node.value()), options.attrTimeoutNanos());
      }
    });
  }

  /** The attributes just stat'ed; a hidden (unlinked, open) file shows one link less, as in libfuse. */
  private Attr attrOf(long node) {
    return Attrs.of(CallScratch.current().stat, node, options, nodes.isHidden(node));
  }

  private int truncate(String path, long size, long fh) {
    if (fh != -1 && has.has("ftruncate")) {
      return fs.ftruncate(path, size, CallScratch.current().fileInfo(0, fh, 0));
    }
    return has.has("truncate") ? fs.truncate(path, size) : -Errno.ENOSYS;
  }

  private static Timespec[] times(SetAttr c) {
    Timespec[] t = CallScratch.current().times;
    t[0].tv_sec.set(c.atimeSec());
    t[0].tv_nsec.set(c.atimeNsec());
    t[1].tv_sec.set(c.mtimeSec());
    t[1].tv_nsec.set(c.mtimeNsec());
    return t;
  }

  /** The filesystem's getattr into the scratch stat, ENOSYS when it has none. */
  private int getattrOf(String path) {
    return has.has("getattr") ? fs.getattr(path, CallScratch.current().clearStat()) : -Errno.ENOSYS;
  }

  /** getattr, or fgetattr when the caller used an open file and the filesystem has it. */
  private int stat(String path, long fh) {
    if (fh != -1 && has.has("fgetattr")) {
      return fs.fgetattr(path, CallScratch.current().clearStat(), CallScratch.current().fileInfo(0, fh, 0));
    }
    return getattrOf(path);
  }

  @Override
  public void readlink(Request req, NodeId node, ReplyData reply) {
    run(req, 0, reply, "readlink", () -> {
      String path = nodes.path(node.value());
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      CallScratch s = CallScratch.current();
      s.linkMemory.fill((byte) 0);
      int res = has.has("readlink") ? fs.readlink(path, s.link, CallScratch.PATH_MAX + 1) : -Errno.ENOSYS;
      if (res != 0) {
        reply.error(errno(res));
        return;
      }
      long len = 0;
      while (len < CallScratch.PATH_MAX && s.linkMemory.get(ValueLayout.JAVA_BYTE, len) != 0) {
        len++;
      }
      reply.ok(s.linkMemory.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));
    });
  }

  // ---- files ----

  @Override
  public void open(Request req, NodeId node, int flags, ReplyOpen reply) {
    run(req, 0, reply, "open", () -> {
      String path = nodes.path(node.value());
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      // Counted open before the callback: an UNLINK racing with this OPEN hides the file instead of
      // removing it under the handle being made (libfuse holds its path lock across open for this).
      nodes.opened(node.value());
      FuseFileInfo fi = CallScratch.current().fileInfo(flags, 0, 0);
      int res = has.has("open") ? fs.open(path, fi) : 0;
      if (res != 0) {
        finishRelease(node.value(), nodes.releasing(node.value()));
        reply.error(errno(res));
        return;
      }
      reply.ok(new FileHandle(fi.fh.longValue()), openFlags());
    });
  }

  @Override
  public void create(Request req, NodeId parent, String name, int mode, int umask, int flags, ReplyCreate reply) {
    if (!has.has("create")) {
      reply.error(Errno.ENOSYS);   // the kernel falls back to MKNOD + OPEN, as with libfuse
      return;
    }
    run(req, umask, reply, "create", () -> {
      String path = nodes.childPath(parent.value(), name);
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      FuseFileInfo fi = CallScratch.current().fileInfo(flags, 0, 0);
      int res = fs.create(path, mode, fi);
      if (res != 0) {
        reply.error(errno(res));
        return;
      }
      long userFh = fi.fh.longValue();
      int openFlags = openFlags();
      int st = getattrOf(path);
      if (st != 0) {
        fs.release(path, CallScratch.current().fileInfo(flags, userFh, 0));
        reply.error(errno(st));
        return;
      }
      long id = nodes.lookup(parent.value(), name);
      nodes.opened(id);
      reply.ok(entryOf(id), new FileHandle(userFh), openFlags);
    });
  }

  /** FOPEN_* from the bits the filesystem set in fuse_file_info, and the mount's direct_io/kernel_cache. */
  private int openFlags() {
    CallScratch s = CallScratch.current();
    int f = 0;
    if (options.directIo() || s.fileInfoBit(0)) {
      f |= FOPEN_DIRECT_IO;
    }
    if (options.kernelCache() || s.fileInfoBit(1)) {
      f |= FOPEN_KEEP_CACHE;
    }
    if (s.fileInfoBit(3)) {
      f |= FOPEN_NONSEEKABLE;
    }
    return f;
  }

  @Override
  public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
    run(req, 0, reply, "read", () -> {
      String path = nodes.path(node.value());
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      if (!has.has("read")) {
        reply.error(Errno.ENOSYS);
        return;
      }
      MemorySegment buf = reply.buffer().asSlice(0, size);
      int res = fs.read(path, CallScratch.pointer(buf), size, offset, CallScratch.current().fileInfo(0, fh.value(), 0));
      if (res < 0) {
        reply.error(errno(res));
      } else {
        reply.ok(Math.min(res, size));
      }
    });
  }

  @Override
  public void write(Request req, NodeId node, FileHandle fh, long offset, MemorySegment data, int writeFlags,
        ReplyWrite reply) {
    run(req, 0, reply, "write", () -> {
      String path = nodes.path(node.value());
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      if (!has.has("write")) {
        reply.error(Errno.ENOSYS);
        return;
      }
      int res = fs.write(path, CallScratch.pointer(data), data.byteSize(), offset,
          CallScratch.current().fileInfo(0, fh.value(), 0));
      if (res < 0) {
        reply.error(errno(res));
      } else {
        reply.ok(Math.min(res, data.byteSize()));
      }
    });
  }

  @Override
  public void flush(Request req, NodeId node, FileHandle fh, long lockOwner, ReplyEmpty reply) {
    run(req, 0, reply, "flush", () -> {
      String path = nodes.path(node.value());   // null for a nameless node.value(): libfuse passes NULL too
      int res = has.has("flush") ? fs.flush(path, CallScratch.current().fileInfo(0, fh.value(),
          lockOwner)) : -Errno.ENOSYS;
      answer(reply, res);
    });
  }

  @Override
  public void release(Request req, NodeId node, FileHandle fh, int flags, ReplyEmpty reply) {
    // The open count drops here, on the loop, in the order the kernel sent requests: an UNLINK that
    // follows this RELEASE must not see the file as open (and hide it) because a worker is slow.
    boolean unlinkHidden = nodes.releasing(node.value());
    run(req, 0, reply, "release", () -> {
      if (has.has("release")) {   // libfuse ignores its result; a nameless node.value() is "-" there too
        String path = nodes.path(node.value());
        fs.release(path != null ? path : "-", CallScratch.current().fileInfo(flags, fh.value(), 0));
      }
      finishRelease(node.value(), unlinkHidden);
      reply.ok();
    });
  }

  /** After a release callback: unlink the hidden file whose last handle this was, unpin the node. */
  private void finishRelease(long node, boolean unlinkHidden) {
    try {
      String hidden = unlinkHidden ? nodes.path(node) : null;
      if (hidden != null && has.has("unlink") && fs.unlink(hidden) == 0) {
        nodes.removeHidden(node);
      }
    } finally {
      nodes.releaseDone(node);
    }
  }

  @Override
  public void fsync(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
    run(req, 0, reply, "fsync", () -> {
      int res = onPath(nodes.path(node.value()), "fsync",
          path -> fs.fsync(path, datasync ? 1 : 0, CallScratch.current().fileInfo(0, fh.value(), 0)));
      answer(reply, res);
    });
  }

  @Override
  public void fallocate(Request req, NodeId node, FileHandle fh, long offset, long length, int mode, ReplyEmpty reply) {
    run(req, 0, reply, "fallocate", () -> {
      int res = onPath(nodes.path(node.value()), "fallocate",
          path -> fs.fallocate(path, mode, offset, length, CallScratch.current().fileInfo(0, fh.value(), 0)));
      answer(reply, res);
    });
  }

  // ---- directories ----

  @Override
  public void opendir(Request req, NodeId node, int flags, ReplyOpen reply) {
    run(req, 0, reply, "opendir", () -> {
      String path = nodes.path(node.value());
      if (path == null) {
        reply.error(Errno.ENOENT);
        return;
      }
      FuseFileInfo fi = CallScratch.current().fileInfo(flags, 0, 0);
      int res = has.has("opendir") ? fs.opendir(path, fi) : 0;
      if (res != 0) {
        reply.error(errno(res));
      } else {
        reply.ok(new FileHandle(dirs.open(fi.fh.longValue())), 0);
      }
    });
  }

  @Override
  public void readdir(Request req, NodeId node, FileHandle fh, long offset, ReplyDirectory reply) {
    run(req, 0, reply, "readdir", () -> {
      String path = nodes.path(node.value());
      Directories.Handle h = dirs.get(fh.value());
      if (path == null || h == null) {
        reply.error(path == null ? Errno.ENOENT : Errno.EBADF);
        return;
      }
      if (!has.has("readdir")) {
        reply.error(Errno.ENOSYS);
        return;
      }
      synchronized (h) {
        if (offset == 0 || !h.filled) {
          h.entries.clear();
          h.filled = false;
          Directories.Filler filler = new Directories.Filler(h, reply, (name, st) -> direntIno(node.value(), name, st));
          int res = fs.readdir(path, null, filler, offset, CallScratch.current().fileInfo(0, h.userFh, 0));
          if (res != 0) {
            reply.error(errno(res));
            return;
          }
          if (!h.filled) {
            reply.ok();   // entries went straight into the reply (or there were none)
            return;
          }
        }
        Directories.serve(h, offset, reply);
      }
    });
  }

  private long direntIno(long dir, String name, FileStat st) {
    if (options.useIno() && st != null) {
      return st.st_ino.longValue();
    }
    if (options.readdirIno()) {
      long id = nodes.idOf(dir, name);
      if (id != 0) {
        return id;
      }
    }
    return Directories.FUSE_UNKNOWN_INO;
  }

  @Override
  public void releasedir(Request req, NodeId node, FileHandle fh, ReplyEmpty reply) {
    run(req, 0, reply, "releasedir", () -> {
      Directories.Handle h = dirs.close(fh.value());
      String path = nodes.path(node.value());
      if (h != null && has.has("releasedir")) {
        fs.releasedir(path != null ? path : "-", CallScratch.current().fileInfo(0, h.userFh, 0));
      }
      reply.ok();
    });
  }

  @Override
  public void fsyncdir(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
    run(req, 0, reply, "fsyncdir", () -> {
      Directories.Handle h = dirs.get(fh.value());
      String path = nodes.path(node.value());
      int res = h == null ? -Errno.ENOENT
          : onPath(path, "fsyncdir", p -> fs.fsyncdir(p, CallScratch.current().fileInfo(0, h.userFh, 0)));
      answer(reply, res);
    });
  }

  // ---- filesystem-wide ----

  @Override
  public void statfs(Request req, NodeId node, ReplyStatfs reply) {
    run(req, 0, reply, "statfs", () -> {
      String path = node.value() == 0 ? "/" : nodes.path(node.value());
      Statvfs st = CallScratch.current().clearStatvfs();
      int res = 0;
      if (path == null) {
        res = -Errno.ENOENT;
      } else if (has.has("statfs")) {
        res = fs.statfs(path, st);
      } else {
        st.f_namemax.set(255);   // libfuse's answer without a statfs callback
        st.f_bsize.set(512);
      }
      if (res != 0) {
        reply.error(errno(res));
        return;
      }
      reply.ok(new Statfs(st.f_blocks.longValue(), st.f_bfree.longValue(), st.f_bavail.longValue(),
          st.f_files.longValue(), st.f_ffree.longValue(), (int) st.f_bsize.longValue(),
          (int) st.f_namemax.longValue(), (int) st.f_frsize.longValue()));
    });
  }

  @Override
  public void access(Request req, NodeId node, int mask, ReplyEmpty reply) {
    run(req, 0, reply, "access", () -> {
      int res = onPath(nodes.path(node.value()), "access", path -> fs.access(path, mask));
      answer(reply, res);
    });
  }

  // ---- extended attributes ----

  @Override
  public void setxattr(Request req, NodeId node, String name, MemorySegment value, int flags, ReplyEmpty reply) {
    run(req, 0, reply, "setxattr", () -> {
      int res = onPath(nodes.path(node.value()), "setxattr",
          path -> fs.setxattr(path, name, CallScratch.pointer(value), value.byteSize(), flags));
      answer(reply, res);
    });
  }

  @Override
  public void getxattr(Request req, NodeId node, String name, int size, ReplyXattr reply) {
    run(req, 0, reply, "getxattr", () -> {
      String path = nodes.path(node.value());
      if (path == null || !has.has("getxattr")) {
        reply.error(path == null ? Errno.ENOENT : Errno.ENOSYS);
        return;
      }
      reply.filled(fs.getxattr(path, name, size == 0 ? null : CallScratch.pointer(reply.buffer()), size));
    });
  }

  @Override
  public void listxattr(Request req, NodeId node, int size, ReplyXattr reply) {
    run(req, 0, reply, "listxattr", () -> {
      String path = nodes.path(node.value());
      if (path == null || !has.has("listxattr")) {
        reply.error(path == null ? Errno.ENOENT : Errno.ENOSYS);
        return;
      }
      reply.filled(fs.listxattr(path, size == 0 ? null : CallScratch.pointer(reply.buffer()), size));
    });
  }

  @Override
  public void removexattr(Request req, NodeId node, String name, ReplyEmpty reply) {
    run(req, 0, reply, "removexattr", () -> {
      int res = onPath(nodes.path(node.value()), "removexattr", path -> fs.removexattr(path, name));
      answer(reply, res);
    });
  }

  // ---- plumbing ----

  /** After a create-like callback: look the new name up and answer with its entry (0), or return the errno. */
  private int lookupAfterCreate(long parent, String name, String path, ReplyEntry reply) {
    int res = getattrOf(path);
    if (res == 0) {
      reply.ok(entry(parent, name));
    }
    return res;
  }

  /** Counts one lookup of {@code name} and builds its entry from the stat just filled. */
  private Entry entry(long parent, String name) {
    return entryOf(nodes.lookup(parent, name));
  }

  private Entry entryOf(long id) {
    Attr attr = Attrs.of(CallScratch.current().stat, id, options, false);
    return new Entry(new NodeId(id), 0, attr, options.entryTimeoutNanos(), options.attrTimeoutNanos());
  }

  private static void answer(ReplyEmpty reply, int res) {
    if (res == 0) {
      reply.ok();
    } else {
      reply.error(errno(res));
    }
  }

  /**
   * A callback's negative errno as the errno to answer. As in libfuse 2, a positive value or one
   * below -1000 where 0 or -errno was due is ERANGE; other values the kernel would refuse are EIO.
   */
  static int errno(int res) {
    if (res > 0 || res <= -1000) {
      return Errno.ERANGE;
    }
    return Errno.ofResult(res);
  }

  /**
   * Runs {@code work} on a worker with the caller's context set (for {@code getContext()}). An
   * exception from the filesystem answers EIO, logged; a full stop of the pool answers EIO at once.
   */
  private void run(Request req, int umask, Reply reply, String op, Runnable work) {
    int uid = req.uid();
    int gid = req.gid();
    int pid = req.pid();
    boolean queued = workers.submit(() -> {
      CallScratch.current().setCaller(uid, gid, pid, umask, privateData);
      try {
        work.run();
      } catch (Throwable e) {   // the filesystem's own failure, even StackOverflowError: answer, keep serving
        LOG.log(Level.ERROR, "jnr-fuse callback " + op + " threw; answering EIO", e);
        try {
          reply.error(Errno.EIO);
        } catch (IllegalStateException alreadyAnswered) {
          // the callback answered before it threw
        }
      }
    });
    if (!queued) {
      reply.error(Errno.EIO);
    }
  }
}
