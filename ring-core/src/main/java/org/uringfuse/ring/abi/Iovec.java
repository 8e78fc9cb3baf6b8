package org.uringfuse.ring.abi;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct iovec} {void *iov_base; size_t iov_len} (16 bytes). */
public final class Iovec {
  private Iovec() {}

  public static final StructLayout LAYOUT = MemoryLayout.structLayout(
      JAVA_LONG.withName("iov_base"), JAVA_LONG.withName("iov_len"));
  public static final long BYTES = LAYOUT.byteSize();

  public static void set(MemorySegment iovecs, int index, MemorySegment buffer) {
    set(iovecs, index, buffer.address(), buffer.byteSize());
  }

  public static void set(MemorySegment iovecs, int index, long base, long length) {
    iovecs.set(JAVA_LONG, index * BYTES, base);
    iovecs.set(JAVA_LONG, index * BYTES + 8, length);
  }

  public static long base(MemorySegment iovecs, int index) {
    return iovecs.get(JAVA_LONG, index * BYTES);
  }

  public static long length(MemorySegment iovecs, int index) {
    return iovecs.get(JAVA_LONG, index * BYTES + 8);
  }
}
