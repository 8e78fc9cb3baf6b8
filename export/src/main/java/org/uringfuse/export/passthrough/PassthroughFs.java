package org.uringfuse.export.passthrough;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.uringfuse.export.Completions.countOrError;
import static org.uringfuse.export.sys.PosixCalls.*;
import static org.uringfuse.fuse.api.Attr.S_IFDIR;
import static org.uringfuse.fuse.api.Attr.S_IFMT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import org.uringfuse.export.BackingWrites;
import org.uringfuse.export.sys.FsType;
import org.uringfuse.export.sys.PosixCalls;
import org.uringfuse.export.sys.Statvfs;
import org.uringfuse.export.sys.StatxBuffer;
import org.uringfuse.export.sys.ThreadCredentials;
import org.uringfuse.fuse.UserMounts;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.BackingFile;
import org.uringfuse.fuse.api.Entry;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.FileNames;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.InitFlags;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.OpenFlags;
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
import org.uringfuse.fuse.api.Replies.ReplyStatx;
import org.uringfuse.fuse.api.Replies.ReplyWrite;
import org.uringfuse.fuse.api.Replies.ReplyXattr;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.api.SetAttr;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.CqeHandler;
import org.uringfuse.ring.op.Fallocate;
import org.uringfuse.ring.op.Fsync;
import org.uringfuse.ring.op.OpenAt;
import org.uringfuse.ring.op.Write;
import org.uringfuse.ring.sys.LibC;

/**
 * Serves a backing directory, faithfully: every name is resolved one component at a time relative
 * to O_PATH directory fds with O_NOFOLLOW, so nothing outside the export root can be reached (no
 * {@code ..}, no symlink is ever followed, renames cannot move the resolution out). Data moves with
 * io_uring: READ, WRITE, FSYNC and FALLOCATE are SQEs on the loop that received the request, reading
 * into and writing from that request's own buffer. The exceptions are what io_uring would hand to an
 * io-wq worker thread (two context switches per request, see {@link FsType}): files on tmpfs and
 * ramfs are read and written with pread/pwrite on the loop (memory copies that never wait), and
 * buffered writes where the filesystem cannot complete them inline (ext4 and most others but XFS and
 * btrfs) are pwrites on the loop, as libfuse's servers make them; an O_DIRECT read or write that is
 * the only request in flight is a pread or pwrite that waits on the loop (with nothing to overlap, it
 * costs less than the SQE, its completion's task work and its CQE). Opens (OPENAT) and fsyncs are SQEs as well, so
 * a slow backing filesystem waits in the kernel, not on the loop; copy_file_range, which io_uring
 * lacks, runs on a small bounded pool ({@link BlockingCalls}). Other metadata operations are direct
 * syscalls on the loop (lookups and creations need the caller's identity on the calling thread).
 *
 * <p>Identity: when the server runs as root, names are created with the caller's fsuid, fsgid,
 * supplementary group and umask on the serving thread ({@link ThreadCredentials}), so a new file is
 * never root's, even for an instant. Set-user-ID and set-group-ID bits are cleared when the kernel
 * says the caller may not keep them ({@link Request#killSuidGid}); the server writes as root, so the
 * backing filesystem would not clear them itself. Writing {@code security.*} and {@code system.*}
 * extended attributes other than POSIX ACLs (which the kernel checks) is root's alone.
 *
 * <p>Threads: called from every loop thread, and copy_file_range answers from a pool thread. Shared
 * state: the {@link InodeTable} (its own lock) and the handle map (concurrent). Each call allocates its scratch memory in a confined arena.
 */
public final class PassthroughFs implements Filesystem {
  private final InodeTable inodes;
  private final PassthroughOptions options;
  private final boolean actAsCaller;
  private final ConcurrentHashMap<Long, Handle> handles = new ConcurrentHashMap<>();
  private final BlockingCalls blocking = new BlockingCalls();

  /**
   * An open file or directory: its fd, and whether its reads and its writes are plain syscalls on the
   * loop rather than SQEs (see above).
   */
  private record Handle(int fd, BackingFile reads, BackingWrites writes) {
    Handle(int fd, FsType type, int flags) {
      boolean direct = (flags & O_DIRECT) != 0;
      // BackingFile's direct false: an O_DIRECT read off the grid fails with the backing file's
      // EINVAL, as it would locally, instead of being bounced
      this(fd, new BackingFile(fd, type.memoryBacked(), false, direct), BackingWrites.of(type, direct));
    }
  }

  /** Per backing device (st_dev): its filesystem type, found once per device. */
  private final ConcurrentHashMap<Long, FsType> fsTypes = new ConcurrentHashMap<>();

  private FsType fsType(Inode n) {
    return fsTypes.computeIfAbsent(n.dev, dev -> FsType.of(n.fd));
  }

  private PassthroughFs(InodeTable inodes, PassthroughOptions options) {
    this.inodes = inodes;
    this.options = options;
    this.actAsCaller = UserMounts.runningAsRoot();
  }

  /** Opens the export root; the directory must exist. */
  public static PassthroughFs open(Path source, PassthroughOptions options) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      int fd = LibC.openat(AT_FDCWD, a.allocateFrom(source.toString()), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
      if (fd < 0) {
        throw new IOException("cannot open source " + source + ": " + Errno.describe(fd));
      }
      MemorySegment st = a.allocate(StatxBuffer.BYTES, 8);
      int r = StatxBuffer.ofFd(fd, StatxBuffer.STATX_BASIC_STATS, st);
      if (r < 0) {
        LibC.close(fd);
        throw new IOException("cannot stat source " + source + ": " + Errno.describe(r));
      }
      return new PassthroughFs(new InodeTable(fd, StatxBuffer.dev(st), StatxBuffer.ino(st)), options);
    }
  }

  /** Live inodes the kernel references (root excluded). */
  public int liveInodes() {
    return inodes.size();
  }

  /** Open file and directory handles. */
  public int openHandles() {
    return handles.size();
  }

  @Override
  public void destroy() {
    blocking.close();
    handles.values().forEach(h -> LibC.close(h.fd()));
    handles.clear();
    inodes.closeAll();
  }

  // ---------------------------------------------------------------- helpers

  private static boolean badName(String name) {
    return name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0;
  }

  private Inode inode(long node, Reply reply) {
    Inode n = inodes.get(node);
    if (n == null) {
      reply.error(Errno.ENOENT);
    }
    return n;
  }

  /** The parent directory for a change to {@code name}, or null once an error was answered. */
  private Inode writableParent(long parent, String name, Reply reply) {
    Inode p = inode(parent, reply);
    if (p == null || readOnly(reply)) {
      return null;
    }
    if (badName(name)) {
      reply.error(Errno.EINVAL);
      return null;
    }
    return p;
  }

  private boolean readOnly(Reply reply) {
    if (options.readOnly()) {
      reply.error(Errno.EROFS);
      return true;
    }
    return false;
  }

  /** A lookup's outcome: the entry (a reference taken), or the errno when {@code entry} is null. */
  private record Lookup(Entry entry, int errno) {
    static Lookup failed(long negative) {
      return new Lookup(null, Errno.ofResult(negative));
    }
  }

  /** Opens {@code name} under {@code parent} as O_PATH (never following it) and takes a lookup reference. */
  private Lookup lookupEntry(Arena a, Inode parent, String name) {
    int fd = LibC.openat(parent.fd, FileNames.toCString(a, name), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      return Lookup.failed(fd);
    }
    MemorySegment st = a.allocate(StatxBuffer.BYTES, 8);
    int r = StatxBuffer.ofFd(fd, StatxBuffer.STATX_BASIC_STATS, st);
    if (r < 0) {
      LibC.close(fd);
      return Lookup.failed(r);
    }
    Inode n = inodes.lookupAndRef(StatxBuffer.dev(st), StatxBuffer.ino(st), fd, StatxBuffer.mode(st) & S_IFMT);
    return new Lookup(new Entry(new NodeId(n.nodeId), n.generation, StatxBuffer.toAttr(st), options.entryTimeoutNanos(),
        options.attrTimeoutNanos()), 0);
  }

  private void replyEntry(Arena a, Inode parent, String name, ReplyEntry reply) {
    Lookup l = lookupEntry(a, parent, name);
    if (l.entry() != null) {
      reply.ok(l.entry());
    } else {
      reply.error(l.errno());
    }
  }

  private MemorySegment statx(Arena a, int fd, Reply reply) {
    MemorySegment st = a.allocate(StatxBuffer.BYTES, 8);
    int r = StatxBuffer.ofFd(fd, StatxBuffer.STATX_BASIC_STATS | StatxBuffer.STATX_BTIME, st);
    if (r < 0) {
      reply.error(Errno.ofResult(r));
      return null;
    }
    return st;
  }

  /**
   * Runs a call that creates a name with the caller's identity and umask (see
   * {@link ThreadCredentials}): the new inode is the caller's from the start, with the group the
   * kernel gives it (the caller's, or a set-gid parent's), and the backing filesystem checks the
   * caller's right to create it. A server that is not root creates as itself.
   */
  private long asCaller(Request req, int umask, ThreadCredentials.Call call) {
    ThreadCredentials.umask(umask);
    return actAsCaller ? ThreadCredentials.runAs(req.uid(), req.gid(), req.supplementaryGroups(), call) : call.run();
  }

  // ---------------------------------------------------------------- names

  @Override
  public void lookup(Request req, NodeId parent, String name, ReplyEntry reply) {
    Inode p = inode(parent.value(), reply);
    if (p == null) {
      return;
    }
    if (badName(name)) {
      reply.error(Errno.ENOENT);
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      Lookup l = lookupEntry(a, p, name);
      if (l.entry() != null) {
        reply.ok(l.entry());
      } else if (l.errno() == Errno.ENOENT && options.entryTimeoutNanos() > 0) {
        reply.ok(Entry.negative(options.entryTimeoutNanos()));
      } else {
        reply.error(l.errno());
      }
    }
  }

  @Override
  public void forget(Request req, NodeId node, long lookupCount) {
    inodes.forget(node.value(), lookupCount);
  }

  @Override
  public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
    withStat(node.value(), fh, reply, st -> reply.ok(StatxBuffer.toAttr(st), options.attrTimeoutNanos()));
  }

  @Override
  public void statx(Request req, NodeId node, Optional<FileHandle> fh, int flags, int mask, ReplyStatx reply) {
    withStat(node.value(), fh, reply,
        st -> reply.ok(StatxBuffer.toAttr(st), StatxBuffer.btimeSec(st), StatxBuffer.btimeNsec(st),
            options.attrTimeoutNanos()));
  }

  /** Stats the node (through its open handle when there is one) and hands the statx buffer on. */
  private void withStat(long node, Optional<FileHandle> fh, Reply reply, Consumer<MemorySegment> use) {
    Inode n = inode(node, reply);
    if (n == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      Handle h = fh.map(f -> handles.get(f.value())).orElse(null);
      MemorySegment st = statx(a, h != null ? h.fd() : n.fd, reply);
      if (st != null) {
        use.accept(st);
      }
    }
  }

  @Override
  public void setattr(Request req, NodeId node, SetAttr c, ReplyAttr reply) {
    Inode n = inode(node.value(), reply);
    if (n == null || readOnly(reply)) {
      return;
    }
    Handle h = c.fileHandle().map(f -> handles.get(f.value())).orElse(null);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment proc = a.allocateFrom(n.procPath());
      int r = 0;
      if (c.hasMode()) {
        r = n.isSymlink() ? -Errno.EOPNOTSUPP : PosixCalls.fchmodat(AT_FDCWD, proc, c.mode() & 07777, 0);
      }
      if (r == 0 && (c.hasUid() || c.hasGid())) {
        r = PosixCalls.fchownat(n.fd, EMPTY_PATH, c.hasUid() ? c.uid() : -1, c.hasGid() ? c.gid() : -1,
            AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
      }
      if (r == 0 && c.hasSize()) {
        r = h != null ? LibC.ftruncate(h.fd(), c.size()) : PosixCalls.truncate(proc, c.size());
      }
      if (r == 0 && req.killSuidGid() && !c.hasMode()) {
        r = SetIdBits.clear(h != null ? h.fd() : n.fd, false);
      }
      if (r == 0 && (c.hasAtime() || c.hasMtime())) {
        MemorySegment times = a.allocate(32, 8);
        setTime(times, 0, c.hasAtime(), c.atimeNow(), c.atimeSec(), c.atimeNsec());
        setTime(times, 16, c.hasMtime(), c.mtimeNow(), c.mtimeSec(), c.mtimeNsec());
        r = h != null ? PosixCalls.futimens(h.fd(), times)
            : n.isSymlink() ? PosixCalls.utimensat(n.fd, EMPTY_PATH, times, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)
            : PosixCalls.utimensat(AT_FDCWD, proc, times, 0);
      }
      if (r < 0) {
        reply.error(Errno.ofResult(r));
        return;
      }
      MemorySegment st = statx(a, n.fd, reply);
      if (st != null) {
        reply.ok(StatxBuffer.toAttr(st), options.attrTimeoutNanos());
      }
    }
  }

  private static void setTime(MemorySegment times, long off, boolean set, boolean now, long sec, int nsec) {
    times.set(JAVA_LONG, off, set && !now ? sec : 0);
    times.set(JAVA_LONG, off + 8, !set ? UTIME_OMIT : now ? UTIME_NOW : nsec);
  }

  @Override
  public void readlink(Request req, NodeId node, ReplyData reply) {
    Inode n = inode(node.value(), reply);
    if (n == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(4096);
      long len = PosixCalls.readlinkat(n.fd, EMPTY_PATH, buf);
      if (len < 0) {
        reply.error(Errno.ofResult(len));
      } else {
        reply.ok(buf.asSlice(0, len));
      }
    }
  }

  @Override
  public void mknod(Request req, NodeId parent, String name, int mode, int rdev, int umask, ReplyEntry reply) {
    makeName(req, parent.value(), name, umask, reply, (a, p) -> PosixCalls.mknodat(p.fd, FileNames.toCString(a, name),
        mode, rdev));
  }

  @Override
  public void mkdir(Request req, NodeId parent, String name, int mode, int umask, ReplyEntry reply) {
    makeName(req, parent.value(), name, umask, reply, (a, p) -> LibC.mkdirat(p.fd, FileNames.toCString(a, name),
        mode & 07777));
  }

  @Override
  public void symlink(Request req, NodeId parent, String name, String target, ReplyEntry reply) {
    makeName(req, parent.value(), name, 0, reply,
        (a, p) -> LibC.symlinkat(FileNames.toCString(a, target), p.fd, FileNames.toCString(a, name)));
  }

  /** A new hard link is an existing inode: made as root (no new owner to decide), nothing followed. */
  @Override
  public void link(Request req, NodeId node, NodeId newParent, String newName, ReplyEntry reply) {
    Inode n = inode(node.value(), reply);
    Inode p = n == null ? null : writableParent(newParent.value(), newName, reply);
    if (p == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      // AT_EMPTY_PATH links the O_PATH fd itself (root has CAP_DAC_READ_SEARCH); nothing is followed.
      int r = LibC.linkat(n.fd, EMPTY_PATH, p.fd, FileNames.toCString(a, newName), AT_EMPTY_PATH);
      if (r < 0) {
        reply.error(Errno.ofResult(r));
        return;
      }
      replyEntry(a, p, newName, reply);
    }
  }

  /** A syscall that creates {@code name} under a parent. */
  private interface Creator {
    int create(Arena a, Inode parent);
  }

  private void makeName(Request req, long parent, String name, int umask, ReplyEntry reply, Creator op) {
    Inode p = writableParent(parent, name, reply);
    if (p == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      long r = asCaller(req, umask, () -> op.create(a, p));
      if (r < 0) {
        reply.error(Errno.ofResult(r));
        return;
      }
      replyEntry(a, p, name, reply);
    }
  }

  @Override
  public void unlink(Request req, NodeId parent, String name, ReplyEmpty reply) {
    remove(parent.value(), name, 0, reply);
  }

  @Override
  public void rmdir(Request req, NodeId parent, String name, ReplyEmpty reply) {
    remove(parent.value(), name, AT_REMOVEDIR, reply);
  }

  private void remove(long parent, String name, int flags, ReplyEmpty reply) {
    Inode p = writableParent(parent, name, reply);
    if (p == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      int r = LibC.unlinkat(p.fd, FileNames.toCString(a, name), flags);
      okOrError(reply, r);
    }
  }

  private static void okOrError(ReplyEmpty reply, long r) {
    if (r < 0) {
      reply.error(Errno.ofResult(r));
    } else {
      reply.ok();
    }
  }

  @Override
  public void rename(Request req, NodeId parent, String name, NodeId newParent, String newName, int flags,
        ReplyEmpty reply) {
    Inode p = inode(parent.value(), reply);
    Inode np = p == null ? null : inode(newParent.value(), reply);
    if (np == null || readOnly(reply)) {
      return;
    }
    if (badName(name) || badName(newName)) {
      reply.error(Errno.EINVAL);
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      okOrError(reply, LibC.renameat2(p.fd, FileNames.toCString(a, name), np.fd, FileNames.toCString(a, newName),
          flags));
    }
  }

  // ---------------------------------------------------------------- files

  /**
   * The flags to reopen a file with. O_CREAT and O_EXCL belong to CREATE; O_NOFOLLOW was already
   * applied by the kernel to the name the caller opened, and here it would refuse the
   * {@code /proc/self/fd} link the file is reopened through.
   */
  private static int openFlags(int flags) {
    return (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_NOFOLLOW)) | O_CLOEXEC;
  }

  @Override
  public void open(Request req, NodeId node, int flags, ReplyOpen reply) {
    Inode n = inode(node.value(), reply);
    if (n == null) {
      return;
    }
    if (options.readOnly() && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0)) {
      reply.error(Errno.EROFS);
      return;
    }
    reopen(req, n, openFlags(flags), reply, fd -> {
      if (req.killSuidGid() && (flags & O_TRUNC) != 0) {
        int r = SetIdBits.clear(fd, false);
        if (r < 0) {
          LibC.close(fd);
          reply.error(Errno.ofResult(r));
          return;
        }
      }
      handles.put((long) fd, new Handle(fd, fsType(n), flags));
      reply.ok(new FileHandle(fd), fopenFlags(flags));
    });
  }

  /**
   * Opens the inode through its {@code /proc/self/fd} link with an io_uring OPENAT: an open on a slow
   * backing filesystem (a cold inode on disk, NFS) waits in the kernel, not on the loop. Hands the
   * new fd to {@code opened} on the loop. On tmpfs and ramfs an open never waits, and io_uring would
   * hand it to an io-wq worker (a /proc link is not resolved without blocking): a plain openat.
   */
  private void reopen(Request req, Inode n, int flags, Reply reply, IntConsumer opened) {
    Arena path = Arena.ofConfined();   // the loop thread's: the completion runs there too
    MemorySegment proc = path.allocateFrom(n.procPath());
    CqeHandler done = (fd, cqeFlags) -> {
      path.close();
      if (fd < 0) {
        reply.error(Errno.ofResult(fd));
      } else {
        opened.accept(fd);
      }
    };
    if (fsType(n).memoryBacked()) {
      done.complete(LibC.openat(AT_FDCWD, proc, flags, 0), 0);
    } else {
      req.io().submit(OpenAt.of(AT_FDCWD, proc, flags, 0), done);
    }
  }

  /**
   * An O_DIRECT open bypasses the kernel's page cache of the mount as well (FOPEN_DIRECT_IO), and its
   * writes may run in parallel (FOPEN_PARALLEL_DIRECT_WRITES), as libfuse's passthrough_hp does.
   */
  private static int fopenFlags(int flags) {
    return (flags & O_DIRECT) != 0
        ? OpenFlags.FOPEN_DIRECT_IO | OpenFlags.FOPEN_PARALLEL_DIRECT_WRITES
        : 0;
  }

  @Override
  public void create(Request req, NodeId parent, String name, int mode, int umask, int flags, ReplyCreate reply) {
    Inode p = writableParent(parent.value(), name, reply);
    if (p == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment cname = FileNames.toCString(a, name);
      int open = openFlags(flags) | O_CREAT | (flags & O_EXCL) | O_NOFOLLOW;
      int fd = (int) asCaller(req, umask, () -> LibC.openat(p.fd, cname, open, mode & 07777));
      if (fd < 0) {
        reply.error(Errno.ofResult(fd));
        return;
      }
      Lookup l = lookupEntry(a, p, name);
      if (l.entry() == null) {
        LibC.close(fd);
        reply.error(l.errno());
        return;
      }
      handles.put((long) fd, new Handle(fd, fsType(p), flags));
      reply.ok(l.entry(), new FileHandle(fd), fopenFlags(flags));
    }
  }

  private Handle handle(long fh, Reply reply) {
    Handle h = handles.get(fh);
    if (h == null) {
      reply.error(Errno.EBADF);
    }
    return h;
  }

  @Override
  public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
    Handle h = handle(fh.value(), reply);
    if (h != null) {
      reply.readFrom(h.reads(), offset, size);
    }
  }

  @Override
  public void write(Request req, NodeId node, FileHandle fh, long offset, MemorySegment data, int writeFlags,
        ReplyWrite reply) {
    Handle h = handle(fh.value(), reply);
    if (h == null || readOnly(reply)) {
      return;
    }
    if (req.killSuidGid()) {
      int r = SetIdBits.clear(h.fd(), false);
      if (r < 0) {
        reply.error(Errno.ofResult(r));
        return;
      }
    }
    if (h.writes().pwrite(req.io())) {
      countOrError(reply::ok, reply).complete((int) LibC.pwrite(h.fd(), data, data.byteSize(), offset), 0);
      return;
    }
    // Both transports hand over WRITE data page aligned (and read into page-aligned READ bodies),
    // as O_DIRECT on the backing file wants.
    req.io().submit(Write.of(h.fd(), data, offset), countOrError(reply::ok, reply));
  }

  @Override
  public void flush(Request req, NodeId node, FileHandle fh, long lockOwner, ReplyEmpty reply) {
    Handle h = handle(fh.value(), reply);
    if (h == null) {
      return;
    }
    // close(dup(fd)) runs the backing filesystem's flush (NFS, quota) as a close would.
    int dup = PosixCalls.dup(h.fd());
    okOrError(reply, dup < 0 ? dup : LibC.close(dup));
  }

  @Override
  public void release(Request req, NodeId node, FileHandle fh, int flags, ReplyEmpty reply) {
    Handle h = handles.remove(fh.value());
    if (h != null) {
      LibC.close(h.fd());
    }
    reply.ok();
  }

  @Override
  public void fsync(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
    Handle h = handle(fh.value(), reply);
    if (h == null) {
      return;
    }
    Fsync op = Fsync.of(h.fd());
    req.io().submit(datasync ? op.datasync() : op, countOrError(n -> reply.ok(), reply));
  }

  @Override
  public void fallocate(Request req, NodeId node, FileHandle fh, long offset, long length, int mode, ReplyEmpty reply) {
    Handle h = handle(fh.value(), reply);
    if (h == null || readOnly(reply)) {
      return;
    }
    req.io().submit(Fallocate.of(h.fd(), mode, offset, length), countOrError(n -> reply.ok(), reply));
  }

  @Override
  public void lseek(Request req, NodeId node, FileHandle fh, long offset, int whence, ReplyLseek reply) {
    Handle h = handle(fh.value(), reply);
    if (h == null) {
      return;
    }
    long r = PosixCalls.lseek(h.fd(), offset, whence);
    if (r < 0) {
      reply.error(Errno.ofResult(r));
    } else {
      reply.ok(r);
    }
  }

  @Override
  public void copyFileRange(Request req, NodeId nodeIn, FileHandle fhIn, long offsetIn, NodeId nodeOut,
        FileHandle fhOut, long offsetOut, long length, int flags, ReplyWrite reply) {
    Handle in = handle(fhIn.value(), reply);
    Handle out = in == null ? null : handle(fhOut.value(), reply);
    if (out == null || readOnly(reply)) {
      return;
    }
    // Up to 2 GiB in one call: on the blocking pool, never on a loop. The kernel holds both files
    // open until the request is answered, so the fds stay valid.
    blocking.run(reply, () -> {
      try (Arena a = Arena.ofConfined()) {
        MemorySegment offIn = a.allocateFrom(JAVA_LONG, offsetIn);
        MemorySegment offOut = a.allocateFrom(JAVA_LONG, offsetOut);
        long r = PosixCalls.copyFileRange(in.fd(), offIn, out.fd(), offOut, length, flags);
        if (r < 0) {
          reply.error(Errno.ofResult(r));
        } else {
          reply.ok(r);
        }
      }
    });
  }

  @Override
  public void statfs(Request req, NodeId node, ReplyStatfs reply) {
    Inode n = inode(node.value(), reply);
    if (n == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment sv = a.allocate(Statvfs.BYTES, 8);
      int r = PosixCalls.fstatvfs(n.fd, sv);
      if (r < 0) {
        reply.error(Errno.ofResult(r));
        return;
      }
      reply.ok(Statvfs.toStatfs(sv));
    }
  }

  /**
   * Only sent without {@code default_permissions}: checks the mode bits for the caller (root may do
   * anything except execute a file nobody may execute).
   */
  @Override
  public void access(Request req, NodeId node, int mask, ReplyEmpty reply) {
    Inode n = inode(node.value(), reply);
    if (n == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = statx(a, n.fd, reply);
      if (st == null) {
        return;
      }
      int mode = StatxBuffer.mode(st);
      if (options.readOnly() && (mask & 2) != 0) {
        reply.error(Errno.EROFS);
        return;
      }
      int bits;
      if (req.uid() == 0) {
        bits = 6 | ((mode & 0111) != 0 || (mode & S_IFMT) == S_IFDIR ? 1 : 0);
      } else if (req.uid() == StatxBuffer.uid(st)) {
        bits = (mode >> 6) & 7;
      } else if (req.gid() == StatxBuffer.gid(st)) {
        bits = (mode >> 3) & 7;
      } else {
        bits = mode & 7;
      }
      if ((mask & 7 & ~bits) != 0) {
        reply.error(Errno.EACCES);
      } else {
        reply.ok();
      }
    }
  }

  // ---------------------------------------------------------------- xattrs

  @Override
  public void setxattr(Request req, NodeId node, String name, MemorySegment value, int flags, ReplyEmpty reply) {
    Inode n = inode(node.value(), reply);
    if (n == null || readOnly(reply)) {
      return;
    }
    if (rootOnlyXattr(req, name, reply)) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {   // value is a view of the (native) request buffer: no copy
      int r = PosixCalls.setxattr(a.allocateFrom(n.procPath()), FileNames.toCString(a, name), value, flags);
      if (r == 0 && req.killSuidGid()) {
        r = SetIdBits.clear(n.fd, true);   // an ACL set by a caller outside the file's group
      }
      okOrError(reply, r);
    }
  }

  private static final String ACL_ACCESS = "system.posix_acl_access";
  private static final String ACL_DEFAULT = "system.posix_acl_default";

  /**
   * The kernel leaves {@code security.*} and {@code system.*} names to the filesystem. Natively
   * only privileged callers write them (file capabilities need CAP_SETFCAP, for one); POSIX ACLs are
   * the exception, and the kernel checks their writer itself. Answers EPERM for anyone else.
   */
  private static boolean rootOnlyXattr(Request req, String name, Reply reply) {
    boolean guarded = (name.startsWith("security.") || name.startsWith("system."))
        && !name.equals(ACL_ACCESS) && !name.equals(ACL_DEFAULT);
    if (guarded && req.uid() != 0) {
      reply.error(Errno.EPERM);
      return true;
    }
    return false;
  }

  @Override
  public void getxattr(Request req, NodeId node, String name, int size, ReplyXattr reply) {
    Inode n = inode(node.value(), reply);
    if (n == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      reply.filled(PosixCalls.getxattr(a.allocateFrom(n.procPath()), FileNames.toCString(a, name), reply.buffer()));
    }
  }

  @Override
  public void listxattr(Request req, NodeId node, int size, ReplyXattr reply) {
    Inode n = inode(node.value(), reply);
    if (n == null) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      reply.filled(PosixCalls.listxattr(a.allocateFrom(n.procPath()), reply.buffer()));
    }
  }

  @Override
  public void removexattr(Request req, NodeId node, String name, ReplyEmpty reply) {
    Inode n = inode(node.value(), reply);
    if (n == null || readOnly(reply)) {
      return;
    }
    if (rootOnlyXattr(req, name, reply)) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      okOrError(reply, PosixCalls.removexattr(a.allocateFrom(n.procPath()), FileNames.toCString(a, name)));
    }
  }

  // ---------------------------------------------------------------- directories

  @Override
  public void opendir(Request req, NodeId node, int flags, ReplyOpen reply) {
    Inode n = inode(node.value(), reply);
    if (n == null) {
      return;
    }
    reopen(req, n, O_RDONLY | O_DIRECTORY | O_CLOEXEC, reply, fd -> {
      handles.put((long) fd, new Handle(fd, new BackingFile(fd, false, false), new BackingWrites(false, false)));
      reply.ok(new FileHandle(fd), 0);
    });
  }

  @Override
  public void releasedir(Request req, NodeId node, FileHandle fh, ReplyEmpty reply) {
    release(req, node, fh, 0, reply);
  }

  @Override
  public void fsyncdir(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
    fsync(req, node, fh, datasync, reply);   // an FSYNC SQE: the flush waits in the kernel, not on the loop
  }

  /**
   * CREATE_SUPP_GROUP: the caller's membership of a parent's group travels with each creation.
   * POSIX_ACL: the kernel enforces ACLs in its permission checks (the session asks for it only with
   * default_permissions), and with DONT_MASK it sends modes unmasked, so the caller's umask or the
   * parent's default ACL applies as locally. DIRECT_IO_ALLOW_MMAP: a file opened O_DIRECT (served
   * with FOPEN_DIRECT_IO) can still be mapped shared.
   */
  @Override
  public long wantedInitFlags() {
    return InitFlags.FUSE_CREATE_SUPP_GROUP | InitFlags.FUSE_POSIX_ACL | InitFlags.FUSE_DONT_MASK
        | InitFlags.FUSE_DIRECT_IO_ALLOW_MMAP;
  }

  @Override
  public boolean supportsReaddirplus() {
    return true;
  }

  /** One {@code linux_dirent64} record. */
  private record Dirent(long ino, long nextOffset, int type, String name) {}

  /**
   * Visits the directory's entries from {@code offset} (a cookie from getdents64) until {@code sink}
   * says stop or the directory ends. Returns the errno that stopped it, or 0.
   */
  private int walk(Handle h, long offset, Predicate<Dirent> sink) {
    long pos = PosixCalls.lseek(h.fd(), offset, SEEK_SET);
    if (pos < 0) {
      return Errno.ofResult(pos);
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(32 * 1024, 8);
      while (true) {
        long n = PosixCalls.getdents64(h.fd(), buf);
        if (n <= 0) {
          return n < 0 ? Errno.ofResult(n) : 0;
        }
        for (long p = 0; p < n; ) {
          int reclen = buf.get(JAVA_SHORT, p + 16) & 0xffff;
          long nameStart = p + 19;
          long end = nameStart;
          while (buf.get(JAVA_BYTE, end) != 0) {
            end++;
          }
          String name = FileNames.decode(buf, nameStart, (int) (end - nameStart));
          Dirent d = new Dirent(buf.get(JAVA_LONG, p), buf.get(JAVA_LONG, p + 8), buf.get(JAVA_BYTE, p + 18) & 0xff,
              name);
          if (!sink.test(d)) {
            return 0;
          }
          p += reclen;
        }
      }
    }
  }

  @Override
  public void readdir(Request req, NodeId node, FileHandle fh, long offset, ReplyDirectory reply) {
    Handle h = handle(fh.value(), reply);
    if (h == null) {
      return;
    }
    int failure = walk(h, offset, d -> reply.add(d.ino(), d.name(), d.type(), d.nextOffset()));
    if (failure != 0) {
      reply.error(failure);
    } else {
      reply.ok();
    }
  }

  @Override
  public void readdirplus(Request req, NodeId node, FileHandle fh, long offset, ReplyDirectoryPlus reply) {
    Handle h = handle(fh.value(), reply);
    Inode dir = h == null ? null : inode(node.value(), reply);
    if (dir == null) {
      return;
    }
    int failure;
    try (Arena a = Arena.ofConfined()) {
      failure = walk(h, offset, d -> {
        if (d.name().equals(".") || d.name().equals("..")) {
          // The kernel makes no inode of these; only the name and type travel.
          Attr attr = new Attr(d.ino(), 0, 0, 0, 0, 0, 0, 0, 0, d.type() << 12, 1, 0, 0, 0, 0);
          return reply.add(new Entry(new NodeId(0), 0, attr, 0, 0), d.name(), d.nextOffset());
        }
        Entry entry = lookupEntry(a, dir, d.name()).entry();
        if (entry == null) {
          return true;   // vanished meanwhile: skip it
        }
        if (!reply.add(entry, d.name(), d.nextOffset())) {
          inodes.forget(entry.nodeId().value(), 1);   // not sent: give the reference back
          return false;
        }
        return true;
      });
    }
    if (failure != 0) {
      reply.error(failure);
    } else {
      reply.ok();
    }
  }
}
