package org.uringfuse.fuse.server;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.uringfuse.fuse.abi.FuseStructs;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.BackingFile;
import org.uringfuse.fuse.api.Entry;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.FileNames;
import org.uringfuse.fuse.api.Replies;
import org.uringfuse.fuse.api.Statfs;
import org.uringfuse.fuse.proto.ReplyEncoder;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.fuse.transport.RequestSlot;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.BounceBuffer;
import org.uringfuse.ring.loop.CqeHandler;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.op.Read;
import org.uringfuse.ring.sys.LibC;

/**
 * One small final class per reply shape, each over the {@link PendingRequest} core; {@link Opcode}
 * says which opcode gets which. Bodies are encoded by {@link ReplyEncoder}. Threads: as the core.
 */
final class TypedReplies {
  private TypedReplies() {}

  /** The reply factory of an opcode: one of the constructors below. */
  @FunctionalInterface
  interface Factory<R extends PendingRequest> {
    R make(Session session, RequestSlot slot, RequestView v, EventLoop loop);
  }

  /** FORGET, BATCH_FORGET, NOTIFY_REPLY: the kernel expects no answer; the session frees the slot. */
  static final class None extends PendingRequest {
    None(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }
  }

  /** Success without a body (UNLINK, RELEASE, FSYNC, SETXATTR...). */
  static final class Empty extends PendingRequest implements Replies.ReplyEmpty {
    Empty(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok() {
      claim();
      send(0, 0);
    }
  }

  /** {@code fuse_entry_out}: LOOKUP, MKNOD, MKDIR, SYMLINK, LINK. */
  static final class EntryOut extends PendingRequest implements Replies.ReplyEntry {
    EntryOut(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok(Entry entry) {
      send(0, ReplyEncoder.entryOut(claim(), 0, entry));
    }
  }

  /** {@code fuse_attr_out}: GETATTR, SETATTR. */
  static final class AttrOut extends PendingRequest implements Replies.ReplyAttr {
    AttrOut(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok(Attr attr, long timeoutNanos) {
      send(0, ReplyEncoder.attrOut(claim(), attr, timeoutNanos));
    }
  }

  /** {@code fuse_open_out}: OPEN, OPENDIR. */
  static final class OpenOut extends PendingRequest implements Replies.ReplyOpen {
    OpenOut(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok(FileHandle fh, int openFlags) {
      send(0, ReplyEncoder.openOut(claim(), 0, fh.value(), openFlags));
    }
  }

  /** {@code fuse_entry_out} + {@code fuse_open_out}: CREATE. */
  static final class CreateOut extends PendingRequest implements Replies.ReplyCreate {
    CreateOut(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok(Entry entry, FileHandle fh, int openFlags) {
      MemorySegment b = claim();
      int n = ReplyEncoder.entryOut(b, 0, entry);
      send(0, n + ReplyEncoder.openOut(b, n, fh.value(), openFlags));
    }
  }

  /** {@code fuse_write_out}: WRITE, COPY_FILE_RANGE. */
  static final class WriteOut extends PendingRequest implements Replies.ReplyWrite {
    WriteOut(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok(long bytesWritten) {
      MemorySegment b = claim();
      b.set(JAVA_INT, FuseStructs.WriteOut.SIZE, (int) bytesWritten);
      b.set(JAVA_INT, FuseStructs.WriteOut.SIZE + 4, 0);
      send(0, FuseStructs.WriteOut.BYTES);
    }
  }

  /** {@code fuse_lseek_out}: LSEEK. */
  static final class LseekOut extends PendingRequest implements Replies.ReplyLseek {
    LseekOut(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok(long offset) {
      claim().set(JAVA_LONG, 0, offset);
      send(0, FuseStructs.Lseek.OUT_BYTES);
    }
  }

  /** {@code fuse_statfs_out}: STATFS. */
  static final class StatfsOut extends PendingRequest implements Replies.ReplyStatfs {
    StatfsOut(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok(Statfs statfs) {
      send(0, ReplyEncoder.statfs(claim(), statfs));
    }
  }

  /** {@code fuse_statx_out}: STATX. */
  static final class StatxOut extends PendingRequest implements Replies.ReplyStatx {
    StatxOut(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok(Attr attr, long btimeSec, int btimeNsec, long timeoutNanos) {
      send(0, ReplyEncoder.statxOut(claim(), attr, btimeSec, btimeNsec, timeoutNanos));
    }
  }

  /**
   * Raw bytes up to the requested size: READ, READLINK. Also the completion of its own backing READ
   * ({@link #readFrom}); a read whose reply goes linked behind it costs the transport one small
   * handler.
   */
  static final class Data extends PendingRequest implements Replies.ReplyData, CqeHandler {
    private static final int DIRECT_ALIGN = 512;
    private static final int PAGE = 4096;
    /** The length of the reply the transport sends once the backing read filled it (no read result is MIN_VALUE). */
    private int linkedLength = Integer.MIN_VALUE;

    Data(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public void ok(long length) {
      claim();
      if (length < 0 || length > limit()) {
        throw refuse("reply length " + length + " outside 0.." + limit());
      }
      send(0, (int) length);
    }

    @Override
    public void ok(MemorySegment data) {
      MemorySegment b = claim();
      long n = data.byteSize();
      if (n > limit()) {
        throw refuse("reply of " + n + " bytes exceeds the requested " + limit());
      }
      if (data.address() != b.address()) {
        MemorySegment.copy(data, 0, b, 0, n);
      }
      send(0, (int) n);
    }

    @Override
    public void ok(byte[] data) {
      MemorySegment b = claim();
      if (data.length > limit()) {
        throw refuse("reply of " + data.length + " bytes exceeds the requested " + limit());
      }
      MemorySegment.copy(data, 0, b, JAVA_BYTE, 0, data.length);
      send(0, data.length);
    }

    /**
     * Claims the answer, then reads. A ring read goes with its reply linked behind it where the
     * transport can ({@link RequestSlot#sendAfter}): the kernel sends the reply the moment the read
     * completes in full, and only a short or failed read comes back here to be answered.
     */
    @Override
    public void readFrom(BackingFile file, long offset, int size) {
      claim();
      try {
        read(file, offset, size);
      } catch (RuntimeException e) {
        // Claimed, so the session's safety net would not answer: answer here, then let it log.
        send(-Errno.EIO, 0);
        throw e;
      }
    }

    private void read(BackingFile file, long offset, int size) {
      int len = Math.min(size, limit());
      if (file.direct() && ((offset | len) & (DIRECT_ALIGN - 1)) != 0) {
        readThroughBounce(file.fd(), offset, len);
      } else if (file.inline() || file.inlineWhenAlone() && alone()) {
        complete((int) LibC.pread(file.fd(), slot.body(), len, offset), 0);
      } else {
        Read read = Read.of(file.fd(), slot.body().asSlice(0, len), offset);
        if (len > 0 && slot.sendAfter(read, unique, len, this)) {
          linkedLength = len;
        } else {
          loop.addSqe(read, this);
        }
      }
    }

    /** O_DIRECT wants aligned buffer, offset and length: read whole pages around the range, copy it out. */
    private void readThroughBounce(int fd, long offset, int len) {
      long alignedStart = offset & -PAGE;
      int span = (int) (((offset + len + PAGE - 1) & -PAGE) - alignedStart);
      BounceBuffer bounce = loop.bounceBuffer(span);
      try {
        loop.addSqe(Read.of(fd, bounce.segment(), alignedStart), (res, flags) -> {
          try (bounce) {
            if (res < 0) {
              complete(res, flags);
              return;
            }
            int got = (int) Math.max(0, Math.min(len, res - (offset - alignedStart)));
            MemorySegment.copy(bounce.segment(), offset - alignedStart, slot.body(), 0, got);
            complete(got, flags);
          }
        });
      } catch (RuntimeException e) {
        bounce.close();
        throw e;
      }
    }

    /** The backing read's result (bytes read into the body, or a negative errno); the answer is claimed. */
    @Override
    public void complete(int res, int flags) {
      if (res == linkedLength) {
        session.stats().linkedReplies.increment();
        session.answered(this, 0, res);   // the transport sent it already
      } else {
        if (linkedLength != Integer.MIN_VALUE) {
          session.stats().brokenLinks.increment();
        }
        send(Math.min(res, 0), Math.max(res, 0));
      }
    }
  }

  /** GETXATTR, LISTXATTR: the size protocol ({@link Replies.ReplyXattr}) applied here, once. */
  static final class Xattr extends PendingRequest implements Replies.ReplyXattr {
    Xattr(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    private boolean sizeProbe() {
      return requestedSize == 0;
    }

    @Override
    public void ok(byte[] value) {
      MemorySegment b = claim();
      if (sizeProbe()) {
        sendSize(b, value.length);
      } else if (value.length > limit()) {
        send(-Errno.ERANGE, 0);
      } else {
        MemorySegment.copy(value, 0, b, JAVA_BYTE, 0, value.length);
        send(0, value.length);
      }
    }

    @Override
    public void filled(long result) {
      MemorySegment b = claim();
      if (result < 0) {
        send(-Errno.ofResult(result), 0);
      } else if (sizeProbe()) {
        sendSize(b, (int) result);
      } else if (result > limit()) {
        send(-Errno.ERANGE, 0);
      } else {
        send(0, (int) result);
      }
    }

    /** {@code fuse_getxattr_out}: the answer to a size probe. */
    private void sendSize(MemorySegment b, int size) {
      b.set(JAVA_INT, 0, size);
      b.set(JAVA_INT, 4, 0);
      send(0, FuseStructs.Getxattr.BYTES);
    }
  }

  /** READDIR: {@code fuse_dirent}s up to the requested size. */
  static final class Directory extends PendingRequest implements Replies.ReplyDirectory {
    private int used;

    Directory(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public boolean add(long ino, String name, int type, long nextOffset) {
      int n = ReplyEncoder.dirent(slot.body(), used, limit(), ino, FileNames.encode(name), type, nextOffset);
      if (n < 0) {
        return false;
      }
      used += n;
      return true;
    }

    @Override
    public void ok() {
      claim();
      send(0, used);
    }
  }

  /** READDIRPLUS: {@code fuse_direntplus} records up to the requested size. */
  static final class DirectoryPlus extends PendingRequest implements Replies.ReplyDirectoryPlus {
    private int used;

    DirectoryPlus(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      super(s, slot, v, loop);
    }

    @Override
    public boolean add(Entry entry, String name, long nextOffset) {
      int n = ReplyEncoder.direntPlus(slot.body(), used, limit(), entry, FileNames.encode(name), nextOffset);
      if (n < 0) {
        return false;
      }
      used += n;
      return true;
    }

    @Override
    public void ok() {
      claim();
      send(0, used);
    }
  }
}
