package org.uringfuse.ring.abi;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/** {@code struct io_uring_probe} (16-byte header) followed by {@code struct io_uring_probe_op[]} (8 bytes each). */
public final class ProbeLayout {
  private ProbeLayout() {}

  public static final StructLayout HEADER = MemoryLayout.structLayout(
      JAVA_BYTE.withName("last_op"),
      JAVA_BYTE.withName("ops_len"),
      JAVA_SHORT.withName("resv"),
      MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv2"));

  public static final StructLayout OP = MemoryLayout.structLayout(
      JAVA_BYTE.withName("op"),
      JAVA_BYTE.withName("resv"),
      JAVA_SHORT.withName("flags"),
      JAVA_INT.withName("resv2"));

  public static final long HEADER_BYTES = HEADER.byteSize();
  public static final long OP_BYTES = OP.byteSize();
  public static final long LAST_OP = 0;
  public static final long OPS_LEN = 1;
  public static final long OP_FLAGS = 2;
  /** Number of op slots we ask the kernel to fill (liburing uses 256). */
  public static final int MAX_OPS = 256;
}
