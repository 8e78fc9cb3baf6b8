package org.uringfuse.ring.abi;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct __kernel_timespec} {s64 tv_sec; s64 tv_nsec} (16 bytes). */
public final class KernelTimespec {
  private KernelTimespec() {}

  public static final StructLayout LAYOUT = MemoryLayout.structLayout(
      JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));
  public static final long BYTES = LAYOUT.byteSize();

  public static void set(MemorySegment ts, long nanos) {
    ts.set(JAVA_LONG, 0, nanos / 1_000_000_000L);
    ts.set(JAVA_LONG, 8, nanos % 1_000_000_000L);
  }

  public static long nanos(MemorySegment ts) {
    return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
  }
}
