package org.uringfuse.ring.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/** {@code struct io_uring_cqe}: 16 bytes; 32 with {@code IORING_SETUP_CQE32} ({@code big_cqe[2]}). */
public final class Cqe {
  private Cqe() {}

  public static final StructLayout LAYOUT = MemoryLayout.structLayout(
      JAVA_LONG.withName("user_data"),
      JAVA_INT.withName("res"),
      JAVA_INT.withName("flags"));

  public static final long BYTES = LAYOUT.byteSize();
  public static final long BYTES_32 = 32;
  public static final long USER_DATA = LAYOUT.byteOffset(groupElement("user_data"));
  public static final long RES = LAYOUT.byteOffset(groupElement("res"));
  public static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));
  /** {@code big_cqe[0]}: extra result of URING_CMD on CQE32 rings. */
  public static final long BIG_CQE = 16;
}
