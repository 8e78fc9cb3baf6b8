package org.uringfuse.fuse.server;

import static org.uringfuse.fuse.abi.FuseKernel.*;

import org.uringfuse.fuse.abi.FuseStructs;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.proto.MalformedRequestException;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.fuse.server.Handlers.Handler;
import org.uringfuse.fuse.server.TypedReplies.AttrOut;
import org.uringfuse.fuse.server.TypedReplies.CreateOut;
import org.uringfuse.fuse.server.TypedReplies.Data;
import org.uringfuse.fuse.server.TypedReplies.Directory;
import org.uringfuse.fuse.server.TypedReplies.DirectoryPlus;
import org.uringfuse.fuse.server.TypedReplies.Empty;
import org.uringfuse.fuse.server.TypedReplies.EntryOut;
import org.uringfuse.fuse.server.TypedReplies.Factory;
import org.uringfuse.fuse.server.TypedReplies.LseekOut;
import org.uringfuse.fuse.server.TypedReplies.None;
import org.uringfuse.fuse.server.TypedReplies.OpenOut;
import org.uringfuse.fuse.server.TypedReplies.StatfsOut;
import org.uringfuse.fuse.server.TypedReplies.StatxOut;
import org.uringfuse.fuse.server.TypedReplies.WriteOut;
import org.uringfuse.fuse.server.TypedReplies.Xattr;
import org.uringfuse.fuse.transport.RequestSlot;
import org.uringfuse.ring.loop.EventLoop;

/**
 * The opcode table, as go-fuse's {@code operationHandler}s: for every opcode uringfuse serves, its
 * fixed input struct size (what follows {@code fuse_in_header}), how many NUL-terminated names follow
 * that struct, its reply shape ({@link TypedReplies}) and its handler ({@link Handlers}). INIT and
 * INTERRUPT belong to the session and have neither. Anything not listed is answered ENOSYS.
 */
public enum Opcode {
  LOOKUP(FUSE_LOOKUP, 0, 1, EntryOut::new, Handlers::lookup),
  FORGET(FUSE_FORGET, FuseStructs.Forget.IN_BYTES, Handlers::forget),
  GETATTR(FUSE_GETATTR, FuseStructs.GetattrIn.BYTES, 0, AttrOut::new, Handlers::getattr),
  SETATTR(FUSE_SETATTR, FuseStructs.SetattrIn.BYTES, 0, AttrOut::new, Handlers::setattr),
  READLINK(FUSE_READLINK, 0, 0, Data::new, Handlers::readlink),
  SYMLINK(FUSE_SYMLINK, 0, 2, EntryOut::new, Handlers::symlink),
  MKNOD(FUSE_MKNOD, FuseStructs.MknodIn.BYTES, 1, EntryOut::new, Handlers::mknod),
  MKDIR(FUSE_MKDIR, FuseStructs.MkdirIn.BYTES, 1, EntryOut::new, Handlers::mkdir),
  UNLINK(FUSE_UNLINK, 0, 1, Empty::new, Handlers::unlink),
  RMDIR(FUSE_RMDIR, 0, 1, Empty::new, Handlers::rmdir),
  RENAME(FUSE_RENAME, FuseStructs.RenameIn.BYTES, 2, Empty::new, Handlers::rename),
  LINK(FUSE_LINK, FuseStructs.LinkIn.BYTES, 1, EntryOut::new, Handlers::link),
  OPEN(FUSE_OPEN, FuseStructs.OpenIn.BYTES, 0, OpenOut::new, Handlers::open),
  READ(FUSE_READ, FuseStructs.ReadWriteIn.BYTES, 0, Data::new, Handlers::read),
  WRITE(FUSE_WRITE, FuseStructs.ReadWriteIn.BYTES, 0, WriteOut::new, Handlers::write),
  STATFS(FUSE_STATFS, 0, 0, StatfsOut::new, Handlers::statfs),
  RELEASE(FUSE_RELEASE, FuseStructs.ReleaseIn.BYTES, 0, Empty::new, Handlers::release),
  FSYNC(FUSE_FSYNC, FuseStructs.FsyncIn.BYTES, 0, Empty::new, Handlers::fsync),
  /** 16 bytes with SETXATTR_EXT, 8 without: the session picks (see {@link #fixedIn(boolean)}). */
  SETXATTR(FUSE_SETXATTR, FuseStructs.SetxattrIn.COMPAT_BYTES, 1, Empty::new, Handlers::setxattr),
  GETXATTR(FUSE_GETXATTR, FuseStructs.Getxattr.BYTES, 1, Xattr::new, Handlers::getxattr),
  LISTXATTR(FUSE_LISTXATTR, FuseStructs.Getxattr.BYTES, 0, Xattr::new, Handlers::listxattr),
  REMOVEXATTR(FUSE_REMOVEXATTR, 0, 1, Empty::new, Handlers::removexattr),
  FLUSH(FUSE_FLUSH, FuseStructs.FlushIn.BYTES, 0, Empty::new, Handlers::flush),
  /** The session's: negotiated there (the struct grew over the versions: what arrived is taken). */
  INIT(FUSE_INIT, FuseStructs.InitIn.COMPAT_BYTES, true),
  OPENDIR(FUSE_OPENDIR, FuseStructs.OpenIn.BYTES, 0, OpenOut::new, Handlers::opendir),
  READDIR(FUSE_READDIR, FuseStructs.ReadWriteIn.BYTES, 0, Directory::new, Handlers::readdir),
  RELEASEDIR(FUSE_RELEASEDIR, FuseStructs.ReleaseIn.BYTES, 0, Empty::new, Handlers::releasedir),
  FSYNCDIR(FUSE_FSYNCDIR, FuseStructs.FsyncIn.BYTES, 0, Empty::new, Handlers::fsyncdir),
  ACCESS(FUSE_ACCESS, FuseStructs.AccessIn.BYTES, 0, Empty::new, Handlers::access),
  CREATE(FUSE_CREATE, FuseStructs.CreateIn.BYTES, 1, CreateOut::new, Handlers::create),
  /** The session's: answered only with EAGAIN (target not seen yet); else the target's reply answers. */
  INTERRUPT(FUSE_INTERRUPT, FuseStructs.InterruptIn.BYTES, false),
  DESTROY(FUSE_DESTROY, 0, 0, Empty::new, Handlers::destroy),
  /** The kernel's answer to a NOTIFY_RETRIEVE; never replied to. */
  NOTIFY_REPLY(FUSE_NOTIFY_REPLY, 0, Handlers::notifyReply),
  BATCH_FORGET(FUSE_BATCH_FORGET, FuseStructs.Forget.BATCH_IN_BYTES, Handlers::batchForget),
  FALLOCATE(FUSE_FALLOCATE, FuseStructs.FallocateIn.BYTES, 0, Empty::new, Handlers::fallocate),
  READDIRPLUS(FUSE_READDIRPLUS, FuseStructs.ReadWriteIn.BYTES, 0, DirectoryPlus::new, Handlers::readdirplus),
  RENAME2(FUSE_RENAME2, FuseStructs.RenameIn.RENAME2_BYTES, 2, Empty::new, Handlers::rename2),
  LSEEK(FUSE_LSEEK, FuseStructs.Lseek.IN_BYTES, 0, LseekOut::new, Handlers::lseek),
  COPY_FILE_RANGE(FUSE_COPY_FILE_RANGE, FuseStructs.CopyFileRangeIn.BYTES, 0, WriteOut::new,
      Handlers::copyFileRange),
  STATX(FUSE_STATX, FuseStructs.StatxIn.BYTES, 0, StatxOut::new, Handlers::statx);

  public final int code;
  private final int fixedIn;
  public final int nameCount;
  public final boolean replies;
  /** Null for the session's own opcodes. */
  final Operation<?> operation;

  private static final Opcode[] BY_CODE = new Opcode[64];

  static {
    for (Opcode o : values()) {
      BY_CODE[o.code] = o;
    }
  }

  /** A filesystem operation: its reply shape and handler. */
  <R extends PendingRequest> Opcode(int code, int fixedIn, int nameCount, Factory<R> reply, Handler<R> handler) {
    this.code = code;
    this.fixedIn = fixedIn;
    this.nameCount = nameCount;
    this.operation = new Operation<>(reply, handler);
    this.replies = true;
  }

  /** A filesystem operation the kernel expects no answer to (FORGET...). */
  Opcode(int code, int fixedIn, Handler<None> handler) {
    this.code = code;
    this.fixedIn = fixedIn;
    this.nameCount = 0;
    this.operation = new Operation<>(None::new, handler);
    this.replies = false;
  }

  /** One of the session's own opcodes (INIT, INTERRUPT). */
  Opcode(int code, int fixedIn, boolean replies) {
    this.code = code;
    this.fixedIn = fixedIn;
    this.nameCount = 0;
    this.operation = null;
    this.replies = replies;
  }

  /** The reply shape and handler of a filesystem operation, kept together so their types agree. */
  record Operation<R extends PendingRequest>(Factory<R> reply, Handler<R> handler) {
    PendingRequest start(Session s, RequestSlot slot, RequestView v, EventLoop loop) {
      return reply.make(s, slot, v, loop);
    }

    @SuppressWarnings("unchecked") // r was made by this operation's own factory
    void run(Filesystem fs, PendingRequest r, RequestView v) throws MalformedRequestException {
      handler.handle(fs, (R) r, v);
    }
  }

  /** Size of the fixed input struct; SETXATTR's depends on whether SETXATTR_EXT was negotiated. */
  public int fixedIn(boolean setxattrExt) {
    return this == SETXATTR && setxattrExt ? FuseStructs.SetxattrIn.BYTES : fixedIn;
  }

  /** The table entry for a wire opcode, or null when uringfuse does not serve it. */
  public static Opcode of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
