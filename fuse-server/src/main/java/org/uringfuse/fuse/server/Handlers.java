package org.uringfuse.fuse.server;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.abi.FuseStructs;
import org.uringfuse.fuse.abi.FuseStructs.ReadWriteIn;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.SetAttr;
import org.uringfuse.fuse.proto.MalformedRequestException;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.fuse.server.TypedReplies.AttrOut;
import org.uringfuse.fuse.server.TypedReplies.CreateOut;
import org.uringfuse.fuse.server.TypedReplies.Data;
import org.uringfuse.fuse.server.TypedReplies.Directory;
import org.uringfuse.fuse.server.TypedReplies.DirectoryPlus;
import org.uringfuse.fuse.server.TypedReplies.Empty;
import org.uringfuse.fuse.server.TypedReplies.EntryOut;
import org.uringfuse.fuse.server.TypedReplies.LseekOut;
import org.uringfuse.fuse.server.TypedReplies.None;
import org.uringfuse.fuse.server.TypedReplies.OpenOut;
import org.uringfuse.fuse.server.TypedReplies.StatfsOut;
import org.uringfuse.fuse.server.TypedReplies.StatxOut;
import org.uringfuse.fuse.server.TypedReplies.WriteOut;
import org.uringfuse.fuse.server.TypedReplies.Xattr;

/**
 * One handler per opcode, as go-fuse's {@code doLookup}...: decode the op struct and call the
 * filesystem with the typed reply. {@link Opcode} pairs each with its reply shape. Stateless;
 * called on loop threads.
 */
final class Handlers {
  private Handlers() {}

  /** Decodes one request of a given reply shape and calls the filesystem. */
  @FunctionalInterface
  interface Handler<R extends PendingRequest> {
    void handle(Filesystem fs, R r, RequestView v) throws MalformedRequestException;
  }

  static void lookup(Filesystem fs, EntryOut r, RequestView v) {
    fs.lookup(r, node(v), v.name(0), r);
  }

  static void forget(Filesystem fs, None r, RequestView v) {
    fs.forget(r, node(v), v.opIn.get(JAVA_LONG, 0));
  }

  static void batchForget(Filesystem fs, None r, RequestView v) throws MalformedRequestException {
    int count = v.opIn.get(JAVA_INT, 0);
    if ((long) count * FuseStructs.Forget.ONE_BYTES > v.payload.byteSize()) {
      throw new MalformedRequestException("BATCH_FORGET of " + count + " carries " + v.payload.byteSize() + " bytes");
    }
    NodeId[] nodes = new NodeId[count];
    long[] counts = new long[count];
    for (int i = 0; i < count; i++) {
      nodes[i] = node(v.payload, (long) i * FuseStructs.Forget.ONE_BYTES);
      counts[i] = v.payload.get(JAVA_LONG, (long) i * FuseStructs.Forget.ONE_BYTES + 8);
    }
    fs.batchForget(r, nodes, counts);
  }

  static void getattr(Filesystem fs, AttrOut r, RequestView v) {
    MemorySegment in = v.opIn;
    boolean withFh = (in.get(JAVA_INT, FuseStructs.GetattrIn.GETATTR_FLAGS) & FuseKernel.FUSE_GETATTR_FH) != 0;
    fs.getattr(r, node(v), withFh ? Optional.of(handle(in, FuseStructs.GetattrIn.FH)) : Optional.empty(), r);
  }

  static void setattr(Filesystem fs, AttrOut r, RequestView v) {
    MemorySegment in = v.opIn;
    SetAttr changes = new SetAttr(
        in.get(JAVA_INT, FuseStructs.SetattrIn.VALID),
        handle(in, FuseStructs.SetattrIn.FH),
        in.get(JAVA_LONG, FuseStructs.SetattrIn.SIZE),
        in.get(JAVA_LONG, FuseStructs.SetattrIn.ATIME),
        in.get(JAVA_INT, FuseStructs.SetattrIn.ATIMENSEC),
        in.get(JAVA_LONG, FuseStructs.SetattrIn.MTIME),
        in.get(JAVA_INT, FuseStructs.SetattrIn.MTIMENSEC),
        in.get(JAVA_LONG, FuseStructs.SetattrIn.CTIME),
        in.get(JAVA_INT, FuseStructs.SetattrIn.CTIMENSEC),
        in.get(JAVA_INT, FuseStructs.SetattrIn.MODE),
        in.get(JAVA_INT, FuseStructs.SetattrIn.UID),
        in.get(JAVA_INT, FuseStructs.SetattrIn.GID));
    r.killSuidGid = changes.killSuidGid();
    fs.setattr(r, node(v), changes, r);
  }

  static void readlink(Filesystem fs, Data r, RequestView v) {
    r.requestedSize = 4096;
    fs.readlink(r, node(v), r);
  }

  static void symlink(Filesystem fs, EntryOut r, RequestView v) throws MalformedRequestException {
    r.supplementaryGroups = v.supplementaryGroups();
    fs.symlink(r, node(v), v.name(0), v.name(1), r);
  }

  static void mknod(Filesystem fs, EntryOut r, RequestView v) throws MalformedRequestException {
    MemorySegment in = v.opIn;
    r.supplementaryGroups = v.supplementaryGroups();
    fs.mknod(r, node(v), v.name(0), in.get(JAVA_INT, FuseStructs.MknodIn.MODE),
        in.get(JAVA_INT, FuseStructs.MknodIn.RDEV), in.get(JAVA_INT, FuseStructs.MknodIn.UMASK), r);
  }

  static void mkdir(Filesystem fs, EntryOut r, RequestView v) throws MalformedRequestException {
    MemorySegment in = v.opIn;
    r.supplementaryGroups = v.supplementaryGroups();
    fs.mkdir(r, node(v), v.name(0), in.get(JAVA_INT, FuseStructs.MkdirIn.MODE),
        in.get(JAVA_INT, FuseStructs.MkdirIn.UMASK), r);
  }

  static void unlink(Filesystem fs, Empty r, RequestView v) {
    fs.unlink(r, node(v), v.name(0), r);
  }

  static void rmdir(Filesystem fs, Empty r, RequestView v) {
    fs.rmdir(r, node(v), v.name(0), r);
  }

  static void rename(Filesystem fs, Empty r, RequestView v) {
    fs.rename(r, node(v), v.name(0), node(v.opIn, FuseStructs.RenameIn.NEWDIR), v.name(1), 0, r);
  }

  static void rename2(Filesystem fs, Empty r, RequestView v) {
    fs.rename(r, node(v), v.name(0), node(v.opIn, FuseStructs.RenameIn.NEWDIR), v.name(1),
        v.opIn.get(JAVA_INT, FuseStructs.RenameIn.FLAGS), r);
  }

  static void link(Filesystem fs, EntryOut r, RequestView v) {
    fs.link(r, node(v.opIn, FuseStructs.LinkIn.OLDNODEID), node(v), v.name(0), r);
  }

  static void open(Filesystem fs, OpenOut r, RequestView v) {
    MemorySegment in = v.opIn;
    r.killSuidGid = (in.get(JAVA_INT, FuseStructs.OpenIn.OPEN_FLAGS) & FuseKernel.FUSE_OPEN_KILL_SUIDGID) != 0;
    fs.open(r, node(v), in.get(JAVA_INT, FuseStructs.OpenIn.FLAGS), r);
  }

  static void read(Filesystem fs, Data r, RequestView v) {
    MemorySegment in = v.opIn;
    int size = in.get(JAVA_INT, ReadWriteIn.SIZE);
    r.requestedSize = size;
    fs.read(r, node(v), handle(in, ReadWriteIn.FH), in.get(JAVA_LONG, ReadWriteIn.OFFSET), size, r);
  }

  static void write(Filesystem fs, WriteOut r, RequestView v) throws MalformedRequestException {
    MemorySegment in = v.opIn;
    int size = in.get(JAVA_INT, ReadWriteIn.SIZE);
    if (size < 0 || size > v.payload.byteSize()) {
      throw new MalformedRequestException("WRITE of " + size + " bytes carries " + v.payload.byteSize());
    }
    int writeFlags = in.get(JAVA_INT, ReadWriteIn.READ_WRITE_FLAGS);
    r.killSuidGid = (writeFlags & FuseKernel.FUSE_WRITE_KILL_SUIDGID) != 0;
    fs.write(r, node(v), handle(in, ReadWriteIn.FH), in.get(JAVA_LONG, ReadWriteIn.OFFSET),
        v.payload.asSlice(0, size), writeFlags, r);
  }

  static void statfs(Filesystem fs, StatfsOut r, RequestView v) {
    fs.statfs(r, node(v), r);
  }

  static void release(Filesystem fs, Empty r, RequestView v) {
    fs.release(r, node(v), handle(v.opIn, FuseStructs.ReleaseIn.FH),
        v.opIn.get(JAVA_INT, FuseStructs.ReleaseIn.FLAGS), r);
  }

  static void fsync(Filesystem fs, Empty r, RequestView v) {
    fs.fsync(r, node(v), handle(v.opIn, FuseStructs.FsyncIn.FH), datasync(v.opIn), r);
  }

  static void setxattr(Filesystem fs, Empty r, RequestView v) throws MalformedRequestException {
    MemorySegment in = v.opIn;
    MemorySegment rest = v.afterNames();
    int size = in.get(JAVA_INT, FuseStructs.SetxattrIn.SIZE);
    if (size < 0 || size > rest.byteSize()) {
      throw new MalformedRequestException("SETXATTR value of " + size + " bytes carries " + rest.byteSize());
    }
    r.killSuidGid = in.byteSize() >= FuseStructs.SetxattrIn.BYTES
        && (in.get(JAVA_INT, FuseStructs.SetxattrIn.SETXATTR_FLAGS) & FuseKernel.FUSE_SETXATTR_ACL_KILL_SGID) != 0;
    fs.setxattr(r, node(v), v.name(0), rest.asSlice(0, size), in.get(JAVA_INT, FuseStructs.SetxattrIn.FLAGS), r);
  }

  static void getxattr(Filesystem fs, Xattr r, RequestView v) {
    int size = v.opIn.get(JAVA_INT, FuseStructs.Getxattr.SIZE);
    r.requestedSize = size;
    fs.getxattr(r, node(v), v.name(0), size, r);
  }

  static void listxattr(Filesystem fs, Xattr r, RequestView v) {
    int size = v.opIn.get(JAVA_INT, FuseStructs.Getxattr.SIZE);
    r.requestedSize = size;
    fs.listxattr(r, node(v), size, r);
  }

  static void removexattr(Filesystem fs, Empty r, RequestView v) {
    fs.removexattr(r, node(v), v.name(0), r);
  }

  static void flush(Filesystem fs, Empty r, RequestView v) {
    fs.flush(r, node(v), handle(v.opIn, FuseStructs.FlushIn.FH),
        v.opIn.get(JAVA_LONG, FuseStructs.FlushIn.LOCK_OWNER), r);
  }

  static void opendir(Filesystem fs, OpenOut r, RequestView v) {
    fs.opendir(r, node(v), v.opIn.get(JAVA_INT, FuseStructs.OpenIn.FLAGS), r);
  }

  static void readdir(Filesystem fs, Directory r, RequestView v) {
    MemorySegment in = v.opIn;
    r.requestedSize = in.get(JAVA_INT, ReadWriteIn.SIZE);
    fs.readdir(r, node(v), handle(in, ReadWriteIn.FH), in.get(JAVA_LONG, ReadWriteIn.OFFSET), r);
  }

  static void readdirplus(Filesystem fs, DirectoryPlus r, RequestView v) {
    MemorySegment in = v.opIn;
    r.requestedSize = in.get(JAVA_INT, ReadWriteIn.SIZE);
    fs.readdirplus(r, node(v), handle(in, ReadWriteIn.FH), in.get(JAVA_LONG, ReadWriteIn.OFFSET), r);
  }

  static void releasedir(Filesystem fs, Empty r, RequestView v) {
    fs.releasedir(r, node(v), handle(v.opIn, FuseStructs.ReleaseIn.FH), r);
  }

  static void fsyncdir(Filesystem fs, Empty r, RequestView v) {
    fs.fsyncdir(r, node(v), handle(v.opIn, FuseStructs.FsyncIn.FH), datasync(v.opIn), r);
  }

  static void access(Filesystem fs, Empty r, RequestView v) {
    fs.access(r, node(v), v.opIn.get(JAVA_INT, FuseStructs.AccessIn.MASK), r);
  }

  static void create(Filesystem fs, CreateOut r, RequestView v) throws MalformedRequestException {
    MemorySegment in = v.opIn;
    r.killSuidGid = (in.get(JAVA_INT, FuseStructs.CreateIn.OPEN_FLAGS) & FuseKernel.FUSE_OPEN_KILL_SUIDGID) != 0;
    r.supplementaryGroups = v.supplementaryGroups();
    fs.create(r, node(v), v.name(0), in.get(JAVA_INT, FuseStructs.CreateIn.MODE),
        in.get(JAVA_INT, FuseStructs.CreateIn.UMASK), in.get(JAVA_INT, FuseStructs.CreateIn.FLAGS), r);
  }

  static void destroy(Filesystem fs, Empty r, RequestView v) {
    r.ok();   // the session calls Filesystem.destroy once the answer is on its way
  }

  static void notifyReply(Filesystem fs, None r, RequestView v) {
    // uringfuse sends no NOTIFY_RETRIEVE; a stray answer is dropped
  }

  static void fallocate(Filesystem fs, Empty r, RequestView v) {
    MemorySegment in = v.opIn;
    fs.fallocate(r, node(v), handle(in, FuseStructs.FallocateIn.FH),
        in.get(JAVA_LONG, FuseStructs.FallocateIn.OFFSET), in.get(JAVA_LONG, FuseStructs.FallocateIn.LENGTH),
        in.get(JAVA_INT, FuseStructs.FallocateIn.MODE), r);
  }

  static void lseek(Filesystem fs, LseekOut r, RequestView v) {
    MemorySegment in = v.opIn;
    fs.lseek(r, node(v), handle(in, FuseStructs.Lseek.FH), in.get(JAVA_LONG, FuseStructs.Lseek.OFFSET),
        in.get(JAVA_INT, FuseStructs.Lseek.WHENCE), r);
  }

  static void copyFileRange(Filesystem fs, WriteOut r, RequestView v) {
    MemorySegment in = v.opIn;
    fs.copyFileRange(r, node(v),
        handle(in, FuseStructs.CopyFileRangeIn.FH_IN),
        in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.OFF_IN),
        node(in, FuseStructs.CopyFileRangeIn.NODEID_OUT),
        handle(in, FuseStructs.CopyFileRangeIn.FH_OUT),
        in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.OFF_OUT),
        in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.LEN),
        (int) in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.FLAGS), r);
  }

  static void statx(Filesystem fs, StatxOut r, RequestView v) {
    MemorySegment in = v.opIn;
    boolean withFh = (in.get(JAVA_INT, FuseStructs.StatxIn.GETATTR_FLAGS) & FuseKernel.FUSE_GETATTR_FH) != 0;
    fs.statx(r, node(v), withFh ? Optional.of(handle(in, FuseStructs.StatxIn.FH)) : Optional.empty(),
        in.get(JAVA_INT, FuseStructs.StatxIn.SX_FLAGS), in.get(JAVA_INT, FuseStructs.StatxIn.SX_MASK), r);
  }

  /** The node the request is about. */
  private static NodeId node(RequestView v) {
    return new NodeId(v.nodeId);
  }

  /** A node id field of an op struct. */
  private static NodeId node(MemorySegment in, long offset) {
    return new NodeId(in.get(JAVA_LONG, offset));
  }

  /** A file handle field of an op struct. */
  private static FileHandle handle(MemorySegment in, long offset) {
    return new FileHandle(in.get(JAVA_LONG, offset));
  }

  private static boolean datasync(MemorySegment in) {
    return (in.get(JAVA_INT, FuseStructs.FsyncIn.FSYNC_FLAGS) & FuseKernel.FUSE_FSYNC_FDATASYNC) != 0;
  }
}
