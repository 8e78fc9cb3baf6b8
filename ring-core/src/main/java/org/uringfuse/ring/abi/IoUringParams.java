package org.uringfuse.ring.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

/**
 * {@code struct io_uring_params} (120 bytes) with its embedded {@code io_sqring_offsets} and
 * {@code io_cqring_offsets}. The offsets those two report are byte offsets inside the mapped ring.
 */
public final class IoUringParams {
  private IoUringParams() {}

  public static final StructLayout SQ_OFFSETS = MemoryLayout.structLayout(
      JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
      JAVA_INT.withName("ring_entries"), JAVA_INT.withName("flags"), JAVA_INT.withName("dropped"),
      JAVA_INT.withName("array"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr"));

  public static final StructLayout CQ_OFFSETS = MemoryLayout.structLayout(
      JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
      JAVA_INT.withName("ring_entries"), JAVA_INT.withName("overflow"), JAVA_INT.withName("cqes"),
      JAVA_INT.withName("flags"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr"));

  public static final StructLayout LAYOUT = MemoryLayout.structLayout(
      JAVA_INT.withName("sq_entries"),
      JAVA_INT.withName("cq_entries"),
      JAVA_INT.withName("flags"),
      JAVA_INT.withName("sq_thread_cpu"),
      JAVA_INT.withName("sq_thread_idle"),
      JAVA_INT.withName("features"),
      JAVA_INT.withName("wq_fd"),
      MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
      SQ_OFFSETS.withName("sq_off"),
      CQ_OFFSETS.withName("cq_off"));

  public static final long BYTES = LAYOUT.byteSize();
  public static final long SQ_ENTRIES = top("sq_entries");
  public static final long CQ_ENTRIES = top("cq_entries");
  public static final long FLAGS = top("flags");
  public static final long FEATURES = top("features");

  public static final long SQ_OFF_HEAD = sq("head");
  public static final long SQ_OFF_TAIL = sq("tail");
  public static final long SQ_OFF_RING_MASK = sq("ring_mask");
  public static final long SQ_OFF_RING_ENTRIES = sq("ring_entries");
  public static final long SQ_OFF_FLAGS = sq("flags");
  public static final long SQ_OFF_DROPPED = sq("dropped");
  public static final long SQ_OFF_ARRAY = sq("array");

  public static final long CQ_OFF_HEAD = cq("head");
  public static final long CQ_OFF_TAIL = cq("tail");
  public static final long CQ_OFF_RING_MASK = cq("ring_mask");
  public static final long CQ_OFF_RING_ENTRIES = cq("ring_entries");
  public static final long CQ_OFF_OVERFLOW = cq("overflow");
  public static final long CQ_OFF_CQES = cq("cqes");
  public static final long CQ_OFF_FLAGS = cq("flags");

  private static long top(String name) {
    return LAYOUT.byteOffset(groupElement(name));
  }

  private static long sq(String name) {
    return LAYOUT.byteOffset(groupElement("sq_off"), PathElement.groupElement(name));
  }

  private static long cq(String name) {
    return LAYOUT.byteOffset(groupElement("cq_off"), PathElement.groupElement(name));
  }
}
