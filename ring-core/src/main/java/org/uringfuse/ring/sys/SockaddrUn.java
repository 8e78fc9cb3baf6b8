package org.uringfuse.ring.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** {@code struct sockaddr_un} {sa_family_t sun_family; char sun_path[108]} (110 bytes). */
public final class SockaddrUn {
  private SockaddrUn() {}

  public static final int BYTES = 110;
  private static final int PATH_MAX = 108;

  /** A sockaddr_un for {@code path}, sized exactly (family + path + NUL). */
  public static MemorySegment of(Arena arena, String path) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    if (p.length >= PATH_MAX) {
      throw new IllegalArgumentException("unix socket path longer than 107 bytes: " + path);
    }
    MemorySegment sa = arena.allocate(2 + p.length + 1, 2);
    sa.set(JAVA_SHORT, 0, (short) LibC.AF_UNIX);
    MemorySegment.copy(p, 0, sa, JAVA_BYTE, 2, p.length);
    return sa;
  }
}
