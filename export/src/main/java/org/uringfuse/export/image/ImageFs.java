package org.uringfuse.export.image;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.uringfuse.export.Completions.countOrError;
import static org.uringfuse.export.sys.PosixCalls.*;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.uringfuse.export.BackingWrites;
import org.uringfuse.export.sys.FsType;
import org.uringfuse.export.sys.PosixCalls;
import org.uringfuse.export.sys.Statvfs;
import org.uringfuse.export.sys.StatxBuffer;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.BackingFile;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.InitFlags;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.OpenFlags;
import org.uringfuse.fuse.api.Replies.Reply;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Replies.ReplyData;
import org.uringfuse.fuse.api.Replies.ReplyEmpty;
import org.uringfuse.fuse.api.Replies.ReplyEntry;
import org.uringfuse.fuse.api.Replies.ReplyLseek;
import org.uringfuse.fuse.api.Replies.ReplyOpen;
import org.uringfuse.fuse.api.Replies.ReplyStatfs;
import org.uringfuse.fuse.api.Replies.ReplyWrite;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.api.SetAttr;
import org.uringfuse.fuse.api.Statfs;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.BounceBuffer;
import org.uringfuse.ring.loop.CqeHandler;
import org.uringfuse.ring.op.Fallocate;
import org.uringfuse.ring.op.Fsync;
import org.uringfuse.ring.op.Read;
import org.uringfuse.ring.op.SqePrep;
import org.uringfuse.ring.op.Write;
import org.uringfuse.ring.sys.LibC;

/**
 * A disk image (regular file or block device) served as one regular file at a mountpoint that is a
 * regular file, the job of qemu-storage-daemon's FUSE export. The root node is the file; nothing
 * else exists. Reads, writes, fsync and fallocate are io_uring SQEs on the image, on the loop of the
 * request, straight into and out of the request's buffer; a write is answered only after its CQE.
 * What io_uring would hand to an io-wq worker (see {@link FsType}) is a plain pread/pwrite on the
 * loop instead: an image on tmpfs or ramfs (memory copies), and buffered writes (cache=writeback) to
 * an image file on a filesystem that cannot complete them inline, such as ext4. With cache=none, a
 * read that is the only request in flight waits in a pread on the loop (with nothing to overlap, that
 * costs less than the SQE and its completion), and so does such a write to an image file (whose ring
 * write the filesystem would complete in a worker; a block device completes it in the interrupt).
 *
 * <p>The image is opened once and locked exclusively (flock), so a second export of it fails.
 * Writes past the end fail with ENOSPC unless the export is growable. Mode and owner are the image's
 * unless set by options; chmod, chown and touch change the export's view only, never the image file.
 * With cache=none, a write that is not sector aligned is a read-modify-write of whole blocks under
 * {@link BlockLocks}, so concurrent writers to one block never lose each other's bytes.
 *
 * <p>Threads: called from every loop thread. {@link #size} is atomic, {@link #blockLocks} locks
 * itself, the exported file's attributes are guarded by this object's monitor.
 */
public final class ImageFs implements Filesystem {
  private static final System.Logger LOG = System.getLogger(ImageFs.class.getName());
  private static final long ATTR_TIMEOUT = 1_000_000_000L;

  private final Path image;
  private final int fd;
  private final boolean blockDevice;
  private final ImageOptions options;
  private final boolean readOnly;
  private final AtomicLong size;
  /** How READs are served: inline on memory-backed storage, bounced when O_DIRECT and off the grid. */
  private final BackingFile backing;
  /** How WRITEs reach the image: pwrites on the loop, or ring writes. */
  private final BackingWrites writes;
  private final BlockLocks blockLocks = new BlockLocks();
  // The exported file's own attributes (guarded by this): never written to the image file.
  private int mode;
  private int uid;
  private int gid;
  private Instant atime;   // null: the image's
  private Instant mtime;   // null: the image's

  private ImageFs(Path image, int fd, boolean blockDevice, ImageOptions options, boolean readOnly, long size,
      int mode, int uid, int gid) {
    this.image = image;
    this.fd = fd;
    this.blockDevice = blockDevice;
    this.options = options;
    this.readOnly = readOnly;
    this.size = new AtomicLong(size);
    FsType type = blockDevice ? FsType.BLOCK_DEVICE : FsType.of(fd);
    this.backing = new BackingFile(fd, type.memoryBacked(), options.directIo(), options.directIo());
    this.writes = BackingWrites.of(type, options.directIo());
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
  }

  /**
   * Opens and locks the image. Read-only when asked, or (with a log line) when the image cannot be
   * opened for writing.
   *
   * @throws IOException with a one-line reason: missing, not a file or block device, locked by
   *     another export
   */
  public static ImageFs open(Path image, ImageOptions options) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment path = a.allocateFrom(image.toString());
      int direct = options.directIo() ? O_DIRECT : 0;
      boolean ro = options.readOnly();
      int fd = LibC.openat(AT_FDCWD, path, (ro ? O_RDONLY : O_RDWR) | direct | O_CLOEXEC, 0);
      if (fd < 0 && !ro && (fd == -Errno.EACCES || fd == -Errno.EROFS
          || fd == -Errno.EPERM)) {
        LOG.log(Level.WARNING, "image {0} is not writable ({1}): exporting it read-only", image,
            Errno.name(fd));
        ro = true;
        fd = LibC.openat(AT_FDCWD, path, O_RDONLY | direct | O_CLOEXEC, 0);
      }
      if (fd < 0) {
        throw new IOException("cannot open image " + image + ": " + Errno.describe(fd));
      }
      if (PosixCalls.flock(fd, LOCK_EX | LOCK_NB) < 0) {
        LibC.close(fd);
        throw new IOException("image " + image + " is in use: another export (or program) holds its lock");
      }
      MemorySegment st = a.allocate(StatxBuffer.BYTES, 8);
      StatxBuffer.ofFd(fd, StatxBuffer.STATX_BASIC_STATS, st);
      int type = StatxBuffer.mode(st) & Attr.S_IFMT;
      if (type != Attr.S_IFREG && type != Attr.S_IFBLK) {
        LibC.close(fd);
        throw new IOException("image " + image + " is neither a regular file nor a block device");
      }
      long bytes = type == Attr.S_IFBLK ? PosixCalls.lseek(fd, 0, SEEK_END) : StatxBuffer.size(st);
      int mode = options.mode() >= 0 ? options.mode() : StatxBuffer.mode(st) & 07777;
      return new ImageFs(image, fd, type == Attr.S_IFBLK, options, ro, bytes, mode,
          options.uid() >= 0 ? options.uid() : StatxBuffer.uid(st), options.gid() >= 0 ? options.gid() : StatxBuffer.gid(st));
    }
  }

  /** Flushes the image and closes it (SIGTERM and unmount come here). */
  @Override
  public void destroy() {
    if (!readOnly) {
      LibC.fsync(fd);
    }
    LibC.close(fd);
  }

  private Attr attr() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(StatxBuffer.BYTES, 8);
      StatxBuffer.ofFd(fd, StatxBuffer.STATX_BASIC_STATS, st);
      Attr img = StatxBuffer.toAttr(st);
      long bytes = size.get();
      long blocks = blockDevice ? (bytes + 511) / 512 : img.blocks();
      synchronized (this) {
        return new Attr(NodeId.ROOT.value(), bytes, blocks,
            atime != null ? atime.getEpochSecond() : img.atimeSec(), atime != null ? atime.getNano() : img.atimeNsec(),
            mtime != null ? mtime.getEpochSecond() : img.mtimeSec(), mtime != null ? mtime.getNano() : img.mtimeNsec(),
            img.ctimeSec(), img.ctimeNsec(), Attr.S_IFREG | mode, 1, uid, gid, 0, 4096);
      }
    }
  }

  private boolean refuseWrite(Reply reply) {
    if (readOnly) {
      reply.error(Errno.EROFS);
      return true;
    }
    return false;
  }

  @Override
  public void lookup(Request req, NodeId parent, String name, ReplyEntry reply) {
    reply.error(Errno.ENOTDIR);
  }

  /** cache=none serves the file with FOPEN_DIRECT_IO; it can still be mapped shared (a VM, a loop device). */
  @Override
  public long wantedInitFlags() {
    return InitFlags.FUSE_DIRECT_IO_ALLOW_MMAP;
  }

  @Override
  public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
    reply.ok(attr(), ATTR_TIMEOUT);
  }

  /**
   * Size changes reach the image (within the export's rules); mode, owner and times are the export's
   * own, in memory, as in QEMU's export: a caller who owns the exported file (see {@code uid=}) may
   * chmod it, and that never changes the image file the server opened as root.
   */
  @Override
  public void setattr(Request req, NodeId node, SetAttr c, ReplyAttr reply) {
    if ((c.hasMode() || c.hasSize() || c.hasUid() || c.hasGid()) && refuseWrite(reply)) {
      return;
    }
    if (c.hasSize()) {
      int e = resize(c.size());
      if (e != 0) {
        reply.error(e);
        return;
      }
    }
    synchronized (this) {
      if (c.hasMode()) {
        mode = c.mode() & 07777;
      } else if (req.killSuidGid()) {
        mode = Attr.withoutSetIdBits(mode);
      }
      uid = c.hasUid() ? c.uid() : uid;
      gid = c.hasGid() ? c.gid() : gid;
      if (c.hasAtime()) {
        atime = c.atimeNow() ? Instant.now() : Instant.ofEpochSecond(c.atimeSec(), c.atimeNsec());
      }
      if (c.hasMtime()) {
        mtime = c.mtimeNow() ? Instant.now() : Instant.ofEpochSecond(c.mtimeSec(), c.mtimeNsec());
      }
    }
    reply.ok(attr(), ATTR_TIMEOUT);
  }

  /** A write or truncation by a caller who may not keep set-id bits (see {@link Request#killSuidGid}). */
  private synchronized void dropSetIdBits() {
    mode = Attr.withoutSetIdBits(mode);
  }

  /** Truncates or grows the image to {@code newSize}, within the export's rules; 0 when done, else the errno. */
  private int resize(long newSize) {
    long now = size.get();
    if (newSize == now) {
      return 0;
    }
    if (newSize > now && !options.growable()) {
      return Errno.ENOSPC;
    }
    if (blockDevice) {
      return Errno.EINVAL;
    }
    int r = LibC.ftruncate(fd, newSize);
    if (r < 0) {
      return Errno.ofResult(r);
    }
    size.set(newSize);
    return 0;
  }

  @Override
  public void open(Request req, NodeId node, int flags, ReplyOpen reply) {
    if (((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0) && readOnly) {
      reply.error(Errno.EROFS);
      return;
    }
    if ((flags & O_TRUNC) != 0 && !blockDevice) {   // ATOMIC_O_TRUNC: the open truncates (a block device ignores it)
      int e = resize(0);
      if (e != 0) {
        reply.error(e);
        return;
      }
      if (req.killSuidGid()) {
        dropSetIdBits();
      }
    }
    // cache=none: the kernel keeps no page cache of the exported file either (as QEMU's export).
    int fopen = options.directIo() ? OpenFlags.FOPEN_DIRECT_IO | OpenFlags.FOPEN_PARALLEL_DIRECT_WRITES : 0;
    reply.ok(new FileHandle(0), fopen);
  }

  @Override
  public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
    long end = this.size.get();
    if (offset >= end) {
      reply.ok(0L);
      return;
    }
    reply.readFrom(backing, offset, (int) Math.min(size, end - offset));
  }

  private static boolean misaligned(MemorySegment m) {
    return (m.address() & 4095) != 0;
  }

  @Override
  public void write(Request req, NodeId node, FileHandle fh, long offset, MemorySegment data, int writeFlags,
        ReplyWrite reply) {
    if (refuseWrite(reply)) {
      return;
    }
    long end = size.get();
    long len = data.byteSize();
    if (offset + len > end && !options.growable()) {
      if (offset >= end) {
        reply.error(Errno.ENOSPC);
        return;
      }
      len = end - offset;   // a write that straddles the end is cut short, as on a block device
    }
    if (req.killSuidGid()) {
      dropSetIdBits();
    }
    MemorySegment source = data.asSlice(0, len);
    if (!options.directIo()) {
      writeAligned(req, offset, source, reply, () -> {});
      return;
    }
    // cache=none: whole blocks of the image are locked while written (see BlockLocks).
    long lockStart = offset & ~4095L;
    long lockEnd = (offset + len + 4095) & ~4095L;
    boolean aligned = !misaligned(source) && offset % 512 == 0 && len % 512 == 0;
    blockLocks.acquire(lockStart, lockEnd, req.io(), () -> {
      Runnable unlock = () -> blockLocks.release(lockStart, lockEnd);
      if (aligned) {
        writeAligned(req, offset, source, reply, unlock);
      } else {
        writeUnaligned(req, offset, source, reply, unlock);
      }
    });
  }

  private void writeAligned(Request req, long offset, MemorySegment source, ReplyWrite reply, Runnable done) {
    CqeHandler written = (res, flags) -> {
      done.run();
      if (res < 0) {
        reply.error(Errno.ofResult(res));
        return;
      }
      size.accumulateAndGet(offset + res, Math::max);
      reply.ok(res);
    };
    if (writes.pwrite(req.io())) {
      written.complete((int) LibC.pwrite(fd, source, source.byteSize(), offset), 0);
      return;
    }
    req.io().submit(Write.of(fd, source, offset), written);
  }

  /**
   * O_DIRECT read-modify-write through an aligned bounce buffer covering whole 4 KiB blocks; the
   * caller holds those blocks. The write is rounded to sectors, so a regular image is cut back to
   * its logical end afterwards: a partial last sector never grows it.
   */
  private void writeUnaligned(Request req, long offset, MemorySegment data, ReplyWrite reply, Runnable done) {
    long alignedStart = offset & ~4095L;
    int span = (int) (((offset + data.byteSize() + 4095) & ~4095L) - alignedStart);
    BounceBuffer buffer;
    try {
      buffer = req.io().bounceBuffer(span);
    } catch (RuntimeException e) {   // no memory: the blocks must not stay locked
      done.run();
      throw e;
    }
    MemorySegment bounce = buffer.segment();
    bounce.fill((byte) 0);
    submitOrGiveBack(req, buffer, done, Read.of(fd, bounce, alignedStart), (res, flags) -> {
      if (res < 0) {
        buffer.close();
        done.run();
        reply.error(Errno.ofResult(res));
        return;
      }
      MemorySegment.copy(data, 0, bounce, offset - alignedStart, data.byteSize());
      long newEnd = Math.max(size.get(), offset + data.byteSize());
      long writeLen = Math.min(span, ((newEnd - alignedStart + 511) & ~511L));
      submitOrGiveBack(req, buffer, done, Write.of(fd, bounce.asSlice(0, writeLen), alignedStart), (wres, wflags) -> {
        buffer.close();
        int trimmed = 0;
        if (wres >= 0 && !blockDevice && alignedStart + writeLen > newEnd) {
          trimmed = LibC.ftruncate(fd, newEnd);
        }
        if (wres >= 0 && trimmed == 0) {
          size.accumulateAndGet(newEnd, Math::max);
        }
        done.run();
        if (wres < 0 || trimmed < 0) {
          reply.error(Errno.ofResult(wres < 0 ? wres : trimmed));
        } else {
          reply.ok(data.byteSize());
        }
      });
    });
  }

  /** Submits an operation on the bounce buffer; if the loop refuses it, gives the buffer and the blocks back. */
  private static void submitOrGiveBack(Request req, BounceBuffer buffer, Runnable unlock, SqePrep op,
        CqeHandler onCompletion) {
    try {
      req.io().submit(op, onCompletion);
    } catch (RuntimeException e) {
      buffer.close();
      unlock.run();
      throw e;
    }
  }

  @Override
  public void flush(Request req, NodeId node, FileHandle fh, long lockOwner, ReplyEmpty reply) {
    reply.ok();
  }

  @Override
  public void fsync(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
    Fsync op = Fsync.of(fd);
    req.io().submit(datasync ? op.datasync() : op, countOrError(n -> reply.ok(), reply));
  }

  /**
   * Punch-hole and zero-range become discards / zeroing on the image; plain allocation works where
   * the image's filesystem supports it. Growing needs {@code growable}.
   */
  @Override
  public void fallocate(Request req, NodeId node, FileHandle fh, long offset, long length, int mode, ReplyEmpty reply) {
    if (refuseWrite(reply)) {
      return;
    }
    boolean keepSize = (mode & Fallocate.FALLOC_FL_KEEP_SIZE) != 0;
    long end = size.get();
    if (!keepSize && offset + length > end && !options.growable()) {
      reply.error(Errno.ENOSPC);
      return;
    }
    req.io().submit(Fallocate.of(fd, mode, offset, length), countOrError(n -> {
      if (!keepSize) {
        size.accumulateAndGet(offset + length, Math::max);
      }
      reply.ok();
    }, reply));
  }

  @Override
  public void lseek(Request req, NodeId node, FileHandle fh, long offset, int whence, ReplyLseek reply) {
    long r = PosixCalls.lseek(fd, offset, whence);
    if (r < 0) {
      reply.error(Errno.ofResult((int) r));
    } else {
      reply.ok(Math.min(r, size.get()));
    }
  }

  @Override
  public void statfs(Request req, NodeId node, ReplyStatfs reply) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment sv = a.allocate(Statvfs.BYTES, 8);
      if (PosixCalls.fstatvfs(fd, sv) < 0) {
        reply.ok(Statfs.EMPTY);
        return;
      }
      // the image's filesystem's space; one file, none free: the export holds exactly one
      reply.ok(new Statfs(Statvfs.blocks(sv), Statvfs.blocksFree(sv), Statvfs.blocksAvailable(sv), 1, 0,
          Statvfs.blockSize(sv), 255, Statvfs.fragmentSize(sv)));
    }
  }

  @Override
  public String toString() {
    return "image " + image + (readOnly ? " (read-only)" : "");
  }
}
