package org.uringfuse.ring.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct epoll_event} {u32 events; u64 data}: packed (12 bytes) on x86_64, naturally
 * aligned (16 bytes) elsewhere.
 */
public final class EpollEvent {
  private EpollEvent() {}

  private static final boolean PACKED = System.getProperty("os.arch", "").matches("amd64|x86_64");
  public static final long BYTES = PACKED ? 12 : 16;
  private static final long DATA = PACKED ? 4 : 8;

  public static void set(MemorySegment events, int index, int mask, long data) {
    events.set(JAVA_INT, index * BYTES, mask);
    events.set(JAVA_LONG_UNALIGNED, index * BYTES + DATA, data);
  }

  public static int events(MemorySegment events, int index) {
    return events.get(JAVA_INT, index * BYTES);
  }

  public static long data(MemorySegment events, int index) {
    return events.get(JAVA_LONG_UNALIGNED, index * BYTES + DATA);
  }
}
