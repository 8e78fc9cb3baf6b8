package org.uringfuse.export.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.uringfuse.fuse.api.Statfs;

/** {@code struct statvfs} (112 bytes on 64-bit Linux): the fields uringfuse reads, and the conversion to {@link Statfs}. */
public final class Statvfs {
  private Statvfs() {}

  public static final int BYTES = 112;
  static final int BSIZE = 0;
  static final int FRSIZE = 8;
  static final int BLOCKS = 16;
  static final int BFREE = 24;
  static final int BAVAIL = 32;
  static final int FILES = 40;
  static final int FFREE = 48;
  static final int NAMEMAX = 80;

  public static long blocks(MemorySegment s) {
    return s.get(JAVA_LONG, BLOCKS);
  }

  public static long blocksFree(MemorySegment s) {
    return s.get(JAVA_LONG, BFREE);
  }

  public static long blocksAvailable(MemorySegment s) {
    return s.get(JAVA_LONG, BAVAIL);
  }

  public static int blockSize(MemorySegment s) {
    return (int) s.get(JAVA_LONG, BSIZE);
  }

  public static int fragmentSize(MemorySegment s) {
    return (int) s.get(JAVA_LONG, FRSIZE);
  }

  public static Statfs toStatfs(MemorySegment s) {
    return new Statfs(blocks(s), blocksFree(s), blocksAvailable(s), s.get(JAVA_LONG, FILES),
        s.get(JAVA_LONG, FFREE), blockSize(s), (int) s.get(JAVA_LONG, NAMEMAX), fragmentSize(s));
  }
}
