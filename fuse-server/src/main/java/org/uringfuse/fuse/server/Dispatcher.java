package org.uringfuse.fuse.server;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.abi.FuseStructs;
import org.uringfuse.fuse.abi.FuseStructs.ReadWriteIn;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.SetAttr;
import org.uringfuse.fuse.proto.MalformedRequestException;
import org.uringfuse.fuse.proto.Opcode;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.fuse.proto.RequestView.Names;

/**
 * Decodes each opcode's input struct and names and calls the filesystem. One method per opcode;
 * the table of what exists and its sizes is {@link Opcode}. Stateless apart from the filesystem;
 * called on loop threads.
 */
final class Dispatcher {
  private final Filesystem fs;

  Dispatcher(Filesystem fs) {
    this.fs = fs;
  }

  void dispatch(Opcode op, PendingRequest r, RequestView v) throws MalformedRequestException {
    MemorySegment in = v.opIn;
    long node = v.nodeId;
    switch (op) {
      case LOOKUP -> fs.lookup(r, node, v.names(1).get(0), r);
      case FORGET -> fs.forget(r, node, in.get(JAVA_LONG, 0));
      case BATCH_FORGET -> batchForget(r, v);
      case GETATTR -> fs.getattr(r, node,
          (in.get(JAVA_INT, FuseStructs.GetattrIn.GETATTR_FLAGS) & FuseKernel.FUSE_GETATTR_FH) != 0
              ? in.get(JAVA_LONG, FuseStructs.GetattrIn.FH) : -1, r);
      case SETATTR -> {
        SetAttr changes = setAttr(in);
        r.killSuidGid = changes.killSuidGid();
        fs.setattr(r, node, changes, r);
      }
      case READLINK -> {
        r.requestedSize = 4096;
        fs.readlink(r, node, r);
      }
      case SYMLINK -> {
        Names n = v.names(2);
        fs.symlink(withGroups(r, v), node, n.get(0), n.get(1), r);
      }
      case MKNOD -> fs.mknod(withGroups(r, v), node, v.names(1).get(0), in.get(JAVA_INT, FuseStructs.MknodIn.MODE),
          in.get(JAVA_INT, FuseStructs.MknodIn.RDEV), in.get(JAVA_INT, FuseStructs.MknodIn.UMASK), r);
      case MKDIR -> fs.mkdir(withGroups(r, v), node, v.names(1).get(0), in.get(JAVA_INT, FuseStructs.MkdirIn.MODE),
          in.get(JAVA_INT, FuseStructs.MkdirIn.UMASK), r);
      case UNLINK -> fs.unlink(r, node, v.names(1).get(0), r);
      case RMDIR -> fs.rmdir(r, node, v.names(1).get(0), r);
      case RENAME -> {
        Names n = v.names(2);
        fs.rename(r, node, n.get(0), in.get(JAVA_LONG, FuseStructs.RenameIn.NEWDIR), n.get(1), 0, r);
      }
      case RENAME2 -> {
        Names n = v.names(2);
        fs.rename(r, node, n.get(0), in.get(JAVA_LONG, FuseStructs.RenameIn.NEWDIR), n.get(1),
            in.get(JAVA_INT, FuseStructs.RenameIn.FLAGS), r);
      }
      case LINK -> fs.link(r, in.get(JAVA_LONG, FuseStructs.LinkIn.OLDNODEID), node, v.names(1).get(0), r);
      case OPEN -> {
        r.killSuidGid = (in.get(JAVA_INT, FuseStructs.OpenIn.OPEN_FLAGS) & FuseKernel.FUSE_OPEN_KILL_SUIDGID) != 0;
        fs.open(r, node, in.get(JAVA_INT, FuseStructs.OpenIn.FLAGS), r);
      }
      case READ -> {
        int size = in.get(JAVA_INT, ReadWriteIn.SIZE);
        r.requestedSize = size;
        fs.read(r, node, in.get(JAVA_LONG, ReadWriteIn.FH), in.get(JAVA_LONG, ReadWriteIn.OFFSET), size, r);
      }
      case WRITE -> {
        int size = in.get(JAVA_INT, ReadWriteIn.SIZE);
        if (size > v.payload.byteSize()) {
          throw new MalformedRequestException("WRITE of " + size + " bytes carries " + v.payload.byteSize());
        }
        int writeFlags = in.get(JAVA_INT, ReadWriteIn.READ_WRITE_FLAGS);
        r.killSuidGid = (writeFlags & FuseKernel.FUSE_WRITE_KILL_SUIDGID) != 0;
        fs.write(r, node, in.get(JAVA_LONG, ReadWriteIn.FH), in.get(JAVA_LONG, ReadWriteIn.OFFSET),
            v.payload.asSlice(0, size), writeFlags, r);
      }
      case STATFS -> fs.statfs(r, node, r);
      case RELEASE -> fs.release(r, node, in.get(JAVA_LONG, FuseStructs.ReleaseIn.FH),
          in.get(JAVA_INT, FuseStructs.ReleaseIn.FLAGS), r);
      case FSYNC -> fs.fsync(r, node, in.get(JAVA_LONG, FuseStructs.FsyncIn.FH), datasync(in), r);
      case SETXATTR -> {
        Names n = v.names(1);
        int size = in.get(JAVA_INT, FuseStructs.SetxattrIn.SIZE);
        if (size > n.rest().byteSize()) {
          throw new MalformedRequestException("SETXATTR value of " + size + " bytes carries " + n.rest().byteSize());
        }
        r.killSuidGid = in.byteSize() >= FuseStructs.SetxattrIn.BYTES
            && (in.get(JAVA_INT, FuseStructs.SetxattrIn.SETXATTR_FLAGS) & FuseKernel.FUSE_SETXATTR_ACL_KILL_SGID) != 0;
        fs.setxattr(r, node, n.get(0), n.rest().asSlice(0, size), in.get(JAVA_INT, FuseStructs.SetxattrIn.FLAGS), r);
      }
      case GETXATTR -> {
        int size = in.get(JAVA_INT, FuseStructs.Getxattr.SIZE);
        r.requestedSize = size;
        fs.getxattr(r, node, v.names(1).get(0), size, r);
      }
      case LISTXATTR -> {
        int size = in.get(JAVA_INT, FuseStructs.Getxattr.SIZE);
        r.requestedSize = size;
        fs.listxattr(r, node, size, r);
      }
      case REMOVEXATTR -> fs.removexattr(r, node, v.names(1).get(0), r);
      case FLUSH -> fs.flush(r, node, in.get(JAVA_LONG, FuseStructs.FlushIn.FH),
          in.get(JAVA_LONG, FuseStructs.FlushIn.LOCK_OWNER), r);
      case OPENDIR -> fs.opendir(r, node, in.get(JAVA_INT, FuseStructs.OpenIn.FLAGS), r);
      case READDIR -> {
        r.requestedSize = in.get(JAVA_INT, ReadWriteIn.SIZE);
        fs.readdir(r, node, in.get(JAVA_LONG, ReadWriteIn.FH), in.get(JAVA_LONG, ReadWriteIn.OFFSET), r);
      }
      case READDIRPLUS -> {
        r.requestedSize = in.get(JAVA_INT, ReadWriteIn.SIZE);
        fs.readdirplus(r, node, in.get(JAVA_LONG, ReadWriteIn.FH), in.get(JAVA_LONG, ReadWriteIn.OFFSET), r);
      }
      case RELEASEDIR -> fs.releasedir(r, node, in.get(JAVA_LONG, FuseStructs.ReleaseIn.FH), r);
      case FSYNCDIR -> fs.fsyncdir(r, node, in.get(JAVA_LONG, FuseStructs.FsyncIn.FH), datasync(in), r);
      case ACCESS -> fs.access(r, node, in.get(JAVA_INT, FuseStructs.AccessIn.MASK), r);
      case CREATE -> {
        r.killSuidGid = (in.get(JAVA_INT, FuseStructs.CreateIn.OPEN_FLAGS) & FuseKernel.FUSE_OPEN_KILL_SUIDGID) != 0;
        fs.create(withGroups(r, v), node, v.names(1).get(0), in.get(JAVA_INT, FuseStructs.CreateIn.MODE),
            in.get(JAVA_INT, FuseStructs.CreateIn.UMASK), in.get(JAVA_INT, FuseStructs.CreateIn.FLAGS), r);
      }
      case FALLOCATE -> fs.fallocate(r, node, in.get(JAVA_LONG, FuseStructs.FallocateIn.FH),
          in.get(JAVA_LONG, FuseStructs.FallocateIn.OFFSET), in.get(JAVA_LONG, FuseStructs.FallocateIn.LENGTH),
          in.get(JAVA_INT, FuseStructs.FallocateIn.MODE), r);
      case LSEEK -> fs.lseek(r, node, in.get(JAVA_LONG, FuseStructs.Lseek.FH),
          in.get(JAVA_LONG, FuseStructs.Lseek.OFFSET), in.get(JAVA_INT, FuseStructs.Lseek.WHENCE), r);
      case COPY_FILE_RANGE -> fs.copyFileRange(r, node,
          in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.FH_IN),
          in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.OFF_IN),
          in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.NODEID_OUT),
          in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.FH_OUT),
          in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.OFF_OUT),
          in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.LEN),
          (int) in.get(JAVA_LONG, FuseStructs.CopyFileRangeIn.FLAGS), r);
      case STATX -> fs.statx(r, node,
          (in.get(JAVA_INT, FuseStructs.StatxIn.GETATTR_FLAGS) & FuseKernel.FUSE_GETATTR_FH) != 0
              ? in.get(JAVA_LONG, FuseStructs.StatxIn.FH) : -1,
          in.get(JAVA_INT, FuseStructs.StatxIn.SX_FLAGS), in.get(JAVA_INT, FuseStructs.StatxIn.SX_MASK), r);
      case DESTROY -> r.ok();
      case NOTIFY_REPLY -> { }
      case INIT, INTERRUPT -> throw new IllegalStateException(op + " is handled by the session");
    }
  }

  /** The request with the supplementary groups of its FUSE_EXT_GROUPS extension. */
  private static PendingRequest withGroups(PendingRequest r, RequestView v) throws MalformedRequestException {
    r.supplementaryGroups = v.supplementaryGroups();
    return r;
  }

  private static boolean datasync(MemorySegment in) {
    return (in.get(JAVA_INT, FuseStructs.FsyncIn.FSYNC_FLAGS) & FuseKernel.FUSE_FSYNC_FDATASYNC) != 0;
  }

  private void batchForget(PendingRequest r, RequestView v) throws MalformedRequestException {
    int count = v.opIn.get(JAVA_INT, 0);
    if ((long) count * FuseStructs.Forget.ONE_BYTES > v.payload.byteSize()) {
      throw new MalformedRequestException("BATCH_FORGET of " + count + " carries " + v.payload.byteSize() + " bytes");
    }
    long[] nodes = new long[count];
    long[] counts = new long[count];
    for (int i = 0; i < count; i++) {
      nodes[i] = v.payload.get(JAVA_LONG, (long) i * FuseStructs.Forget.ONE_BYTES);
      counts[i] = v.payload.get(JAVA_LONG, (long) i * FuseStructs.Forget.ONE_BYTES + 8);
    }
    fs.batchForget(r, nodes, counts);
  }

  private static SetAttr setAttr(MemorySegment in) {
    return new SetAttr(
        in.get(JAVA_INT, FuseStructs.SetattrIn.VALID),
        in.get(JAVA_LONG, FuseStructs.SetattrIn.FH),
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
  }
}
