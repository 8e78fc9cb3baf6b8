package org.uringfuse.fuse.api;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
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
import org.uringfuse.ring.Errno;

/**
 * An inode-level filesystem (node ids, not paths), the shape of libfuse's low-level API and of
 * fuser's {@code Filesystem}. Method names follow the FUSE ops; parameters are
 * {@code (Request req, NodeId node, args..., ReplyX reply)}, open files by their {@link FileHandle}.
 *
 * <p>Threads: methods are called on event-loop threads; with several loops, concurrently. They must
 * not block: long work belongs in SQEs on {@code req.loop()} or on a thread of the filesystem's own,
 * replying when done. Every request must be answered exactly once (the {@code reply}).
 *
 * <p>Lifetimes: {@link MemorySegment} arguments (write data, xattr values) are views of the request
 * buffer, valid until the reply; copy what must live longer. Strings are copies.
 *
 * <p>Defaults: reply {@code ENOSYS} — which the kernel remembers for ACCESS, FLUSH, FSYNC(DIR),
 * xattrs, FALLOCATE, LSEEK, COPY_FILE_RANGE and STATX, and stops sending them — except where the
 * method says otherwise (forget does nothing, open/opendir/release/releasedir succeed, statfs
 * reports zeros).
 */
public interface Filesystem {

  /** Called once INIT is negotiated, before any other request. */
  default void init(ConnectionInfo connection) {}

  /** Called when the session ends (unmount, abort, close). No requests follow. */
  default void destroy() {}

  /** Extra {@code FUSE_*} init flags this filesystem wants (for example WRITEBACK_CACHE). Default none. */
  default long wantedInitFlags() {
    return 0;
  }

  /**
   * {@code FUSE_*} init flags the server asks for by default that this filesystem cannot honour (for
   * example ATOMIC_O_TRUNC or HANDLE_KILLPRIV_V2 for a filesystem written for libfuse 2, which never
   * sees O_TRUNC in open and leaves clearing set-id bits to the kernel). Default none.
   */
  default long declinedInitFlags() {
    return 0;
  }

  default void lookup(Request req, NodeId parent, String name, ReplyEntry reply) {
    reply.error(Errno.ENOSYS);
  }

  /** The kernel dropped {@code lookupCount} references to {@code node}. No reply. Default: nothing. */
  default void forget(Request req, NodeId node, long lookupCount) {}

  /**
   * Several forgets at once. Default: {@link #forget} for each; one that throws is logged and the
   * others still apply, so a bad entry never leaks the references after it.
   */
  default void batchForget(Request req, NodeId[] nodes, long[] lookupCounts) {
    for (int i = 0; i < nodes.length; i++) {
      try {
        forget(req, nodes[i], lookupCounts[i]);
      } catch (RuntimeException e) {
        System.getLogger(Filesystem.class.getName()).log(System.Logger.Level.ERROR,
            "FORGET of node " + nodes[i] + " failed; the batch goes on", e);
      }
    }
  }

  /** @param fh the handle when the caller used an open file (fstat), else empty */
  default void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
    reply.error(Errno.ENOSYS);
  }

  default void setattr(Request req, NodeId node, SetAttr changes, ReplyAttr reply) {
    reply.error(Errno.ENOSYS);
  }

  default void readlink(Request req, NodeId node, ReplyData reply) {
    reply.error(Errno.ENOSYS);
  }

  default void symlink(Request req, NodeId parent, String name, String target, ReplyEntry reply) {
    reply.error(Errno.ENOSYS);
  }

  default void mknod(Request req, NodeId parent, String name, int mode, int rdev, int umask, ReplyEntry reply) {
    reply.error(Errno.ENOSYS);
  }

  default void mkdir(Request req, NodeId parent, String name, int mode, int umask, ReplyEntry reply) {
    reply.error(Errno.ENOSYS);
  }

  default void unlink(Request req, NodeId parent, String name, ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  default void rmdir(Request req, NodeId parent, String name, ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  /** RENAME and RENAME2; {@code flags}: RENAME_NOREPLACE 1, RENAME_EXCHANGE 2, RENAME_WHITEOUT 4. */
  default void rename(Request req, NodeId parent, String name, NodeId newParent, String newName, int flags,
      ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  default void link(Request req, NodeId node, NodeId newParent, String newName, ReplyEntry reply) {
    reply.error(Errno.ENOSYS);
  }

  /** Default: success with handle 0 and no FOPEN flags. */
  default void open(Request req, NodeId node, int flags, ReplyOpen reply) {
    reply.ok(new FileHandle(0), 0);
  }

  default void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
    reply.error(Errno.ENOSYS);
  }

  /**
   * @param data the bytes to write, a view of the request buffer, page aligned on both transports
   *     (an O_DIRECT write may take it as it is)
   */
  default void write(Request req, NodeId node, FileHandle fh, long offset, MemorySegment data, int writeFlags,
      ReplyWrite reply) {
    reply.error(Errno.ENOSYS);
  }

  /** Default: zeros (an empty filesystem). */
  default void statfs(Request req, NodeId node, ReplyStatfs reply) {
    reply.ok(Statfs.EMPTY);
  }

  /** Default: success. */
  default void release(Request req, NodeId node, FileHandle fh, int flags, ReplyEmpty reply) {
    reply.ok();
  }

  default void flush(Request req, NodeId node, FileHandle fh, long lockOwner, ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  default void fsync(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  default void setxattr(Request req, NodeId node, String name, MemorySegment value, int flags, ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  /** @param size 0 for a size probe ({@link ReplyXattr#size}), else the caller's buffer size (ERANGE when too small) */
  default void getxattr(Request req, NodeId node, String name, int size, ReplyXattr reply) {
    reply.error(Errno.ENOSYS);
  }

  /** Names NUL-separated; size rules as {@link #getxattr}. */
  default void listxattr(Request req, NodeId node, int size, ReplyXattr reply) {
    reply.error(Errno.ENOSYS);
  }

  default void removexattr(Request req, NodeId node, String name, ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  /** Default: success with handle 0. */
  default void opendir(Request req, NodeId node, int flags, ReplyOpen reply) {
    reply.ok(new FileHandle(0), 0);
  }

  default void readdir(Request req, NodeId node, FileHandle fh, long offset, ReplyDirectory reply) {
    reply.error(Errno.ENOSYS);
  }

  /** Only sent when the filesystem implements it (the session offers READDIRPLUS then). */
  default void readdirplus(Request req, NodeId node, FileHandle fh, long offset, ReplyDirectoryPlus reply) {
    reply.error(Errno.ENOSYS);
  }

  /** Whether {@link #readdirplus} is implemented; the session asks for DO_READDIRPLUS only then. */
  default boolean supportsReaddirplus() {
    return false;
  }

  /** Default: success. */
  default void releasedir(Request req, NodeId node, FileHandle fh, ReplyEmpty reply) {
    reply.ok();
  }

  default void fsyncdir(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  default void access(Request req, NodeId node, int mask, ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  default void create(Request req, NodeId parent, String name, int mode, int umask, int flags, ReplyCreate reply) {
    reply.error(Errno.ENOSYS);
  }

  default void fallocate(Request req, NodeId node, FileHandle fh, long offset, long length, int mode,
        ReplyEmpty reply) {
    reply.error(Errno.ENOSYS);
  }

  /** @param whence SEEK_DATA 3 or SEEK_HOLE 4 (the kernel handles the others) */
  default void lseek(Request req, NodeId node, FileHandle fh, long offset, int whence, ReplyLseek reply) {
    reply.error(Errno.ENOSYS);
  }

  default void copyFileRange(Request req, NodeId nodeIn, FileHandle fhIn, long offsetIn, NodeId nodeOut,
        FileHandle fhOut,
      long offsetOut, long length, int flags, ReplyWrite reply) {
    reply.error(Errno.ENOSYS);
  }

  /** Sent for statx() calls that ask for more than GETATTR carries (btime). Default ENOSYS: the kernel then uses getattr. */
  default void statx(Request req, NodeId node, Optional<FileHandle> fh, int flags, int mask, ReplyStatx reply) {
    reply.error(Errno.ENOSYS);
  }
}
