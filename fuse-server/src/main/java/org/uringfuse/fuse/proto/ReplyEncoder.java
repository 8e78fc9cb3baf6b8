package org.uringfuse.fuse.proto;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.uringfuse.fuse.abi.FuseStructs.AttrOut;
import org.uringfuse.fuse.abi.FuseStructs.Dirent;
import org.uringfuse.fuse.abi.FuseStructs.EntryOut;
import org.uringfuse.fuse.abi.FuseStructs.FuseAttr;
import org.uringfuse.fuse.abi.FuseStructs.Kstatfs;
import org.uringfuse.fuse.abi.FuseStructs.OpenOut;
import org.uringfuse.fuse.abi.FuseStructs.OutHeader;
import org.uringfuse.fuse.abi.FuseStructs.StatxOut;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.Entry;
import org.uringfuse.fuse.api.Statfs;

/** Writes reply structs into a reply body; returns the number of bytes written. Stateless. */
public final class ReplyEncoder {
  private ReplyEncoder() {}

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  public static void outHeader(MemorySegment seg, int totalLength, int negErrno, long unique) {
    seg.set(JAVA_INT, OutHeader.LEN, totalLength);
    seg.set(JAVA_INT, OutHeader.ERROR, negErrno);
    seg.set(JAVA_LONG, OutHeader.UNIQUE, unique);
  }

  public static void attr(MemorySegment s, long off, Attr a) {
    s.set(JAVA_LONG, off + FuseAttr.INO, a.ino());
    s.set(JAVA_LONG, off + FuseAttr.SIZE, a.size());
    s.set(JAVA_LONG, off + FuseAttr.BLOCKS, a.blocks());
    s.set(JAVA_LONG, off + FuseAttr.ATIME, a.atimeSec());
    s.set(JAVA_LONG, off + FuseAttr.MTIME, a.mtimeSec());
    s.set(JAVA_LONG, off + FuseAttr.CTIME, a.ctimeSec());
    s.set(JAVA_INT, off + FuseAttr.ATIMENSEC, a.atimeNsec());
    s.set(JAVA_INT, off + FuseAttr.MTIMENSEC, a.mtimeNsec());
    s.set(JAVA_INT, off + FuseAttr.CTIMENSEC, a.ctimeNsec());
    s.set(JAVA_INT, off + FuseAttr.MODE, a.mode());
    s.set(JAVA_INT, off + FuseAttr.NLINK, a.nlink());
    s.set(JAVA_INT, off + FuseAttr.UID, a.uid());
    s.set(JAVA_INT, off + FuseAttr.GID, a.gid());
    s.set(JAVA_INT, off + FuseAttr.RDEV, a.rdev());
    s.set(JAVA_INT, off + FuseAttr.BLKSIZE, a.blksize());
    s.set(JAVA_INT, off + FuseAttr.FLAGS, 0);
  }

  public static int entryOut(MemorySegment s, long off, Entry e) {
    s.set(JAVA_LONG, off + EntryOut.NODEID, e.nodeId().value());
    s.set(JAVA_LONG, off + EntryOut.GENERATION, e.generation());
    s.set(JAVA_LONG, off + EntryOut.ENTRY_VALID, e.entryTimeoutNanos() / NANOS_PER_SECOND);
    s.set(JAVA_LONG, off + EntryOut.ATTR_VALID, e.attrTimeoutNanos() / NANOS_PER_SECOND);
    s.set(JAVA_INT, off + EntryOut.ENTRY_VALID_NSEC, (int) (e.entryTimeoutNanos() % NANOS_PER_SECOND));
    s.set(JAVA_INT, off + EntryOut.ATTR_VALID_NSEC, (int) (e.attrTimeoutNanos() % NANOS_PER_SECOND));
    attr(s, off + EntryOut.ATTR, e.attr());
    return EntryOut.BYTES;
  }

  public static int attrOut(MemorySegment s, Attr a, long timeoutNanos) {
    s.set(JAVA_LONG, AttrOut.ATTR_VALID, timeoutNanos / NANOS_PER_SECOND);
    s.set(JAVA_INT, AttrOut.ATTR_VALID_NSEC, (int) (timeoutNanos % NANOS_PER_SECOND));
    s.set(JAVA_INT, AttrOut.ATTR_VALID_NSEC + 4, 0);
    attr(s, AttrOut.ATTR, a);
    return AttrOut.BYTES;
  }

  public static int openOut(MemorySegment s, long off, long fh, int openFlags) {
    s.set(JAVA_LONG, off + OpenOut.FH, fh);
    s.set(JAVA_INT, off + OpenOut.OPEN_FLAGS, openFlags);
    s.set(JAVA_INT, off + OpenOut.BACKING_ID, 0);
    return OpenOut.BYTES;
  }

  public static int statfs(MemorySegment s, Statfs st) {
    s.asSlice(0, Kstatfs.BYTES).fill((byte) 0);
    s.set(JAVA_LONG, Kstatfs.BLOCKS, st.blocks());
    s.set(JAVA_LONG, Kstatfs.BFREE, st.blocksFree());
    s.set(JAVA_LONG, Kstatfs.BAVAIL, st.blocksAvailable());
    s.set(JAVA_LONG, Kstatfs.FILES, st.files());
    s.set(JAVA_LONG, Kstatfs.FFREE, st.filesFree());
    s.set(JAVA_INT, Kstatfs.BSIZE, st.blockSize());
    s.set(JAVA_INT, Kstatfs.NAMELEN, st.nameMax());
    s.set(JAVA_INT, Kstatfs.FRSIZE, st.fragmentSize());
    return Kstatfs.BYTES;
  }

  /** Writes one {@code fuse_dirent} at {@code off}; returns its size, or -1 when it does not fit before {@code limit}. */
  public static int dirent(MemorySegment s, long off, long limit, long ino, byte[] name, int type, long nextOffset) {
    int size = Dirent.size(name.length);
    if (off + size > limit) {
      return -1;
    }
    s.set(JAVA_LONG, off + Dirent.INO, ino);
    s.set(JAVA_LONG, off + Dirent.OFF, nextOffset);
    s.set(JAVA_INT, off + Dirent.NAMELEN, name.length);
    s.set(JAVA_INT, off + Dirent.TYPE, type);
    MemorySegment.copy(name, 0, s, JAVA_BYTE, off + Dirent.NAME_OFFSET, name.length);
    s.asSlice(off + Dirent.NAME_OFFSET + name.length, size - Dirent.NAME_OFFSET - name.length).fill((byte) 0);
    return size;
  }

  /** Writes one {@code fuse_direntplus}; returns its size or -1 when it does not fit. */
  public static int direntPlus(MemorySegment s, long off, long limit, Entry e, byte[] name, long nextOffset) {
    int size = Dirent.plusSize(name.length);
    if (off + size > limit) {
      return -1;
    }
    entryOut(s, off, e);
    return EntryOut.BYTES + dirent(s, off + EntryOut.BYTES, limit, e.attr().ino(), name,
        Attr.direntType(e.attr().mode()), nextOffset);
  }

  public static int statxOut(MemorySegment s, Attr a, long btimeSec, int btimeNsec,
      long timeoutNanos) {
    s.asSlice(0, StatxOut.BYTES).fill((byte) 0);
    s.set(JAVA_LONG, StatxOut.ATTR_VALID, timeoutNanos / NANOS_PER_SECOND);
    s.set(JAVA_INT, StatxOut.ATTR_VALID_NSEC, (int) (timeoutNanos % NANOS_PER_SECOND));
    long st = StatxOut.STAT;
    s.set(JAVA_INT, st + StatxOut.SX_MASK, 0x7ff | 0x800);   // STATX_BASIC_STATS | STATX_BTIME
    s.set(JAVA_INT, st + StatxOut.SX_BLKSIZE, a.blksize());
    s.set(JAVA_INT, st + StatxOut.SX_NLINK, a.nlink());
    s.set(JAVA_INT, st + StatxOut.SX_UID, a.uid());
    s.set(JAVA_INT, st + StatxOut.SX_GID, a.gid());
    s.set(java.lang.foreign.ValueLayout.JAVA_SHORT, st + StatxOut.SX_MODE, (short) a.mode());
    s.set(JAVA_LONG, st + StatxOut.SX_INO, a.ino());
    s.set(JAVA_LONG, st + StatxOut.SX_SIZE, a.size());
    s.set(JAVA_LONG, st + StatxOut.SX_BLOCKS, a.blocks());
    time(s, st + StatxOut.SX_ATIME, a.atimeSec(), a.atimeNsec());
    time(s, st + StatxOut.SX_BTIME, btimeSec, btimeNsec);
    time(s, st + StatxOut.SX_CTIME, a.ctimeSec(), a.ctimeNsec());
    time(s, st + StatxOut.SX_MTIME, a.mtimeSec(), a.mtimeNsec());
    s.set(JAVA_INT, st + StatxOut.SX_RDEV_MAJOR, (a.rdev() >>> 8) & 0xfff);
    s.set(JAVA_INT, st + StatxOut.SX_RDEV_MINOR, (a.rdev() & 0xff) | ((a.rdev() >>> 12) & 0xfff00));
    return StatxOut.BYTES;
  }

  private static void time(MemorySegment s, long off, long sec, int nsec) {
    s.set(JAVA_LONG, off, sec);
    s.set(JAVA_INT, off + 8, nsec);
  }
}
