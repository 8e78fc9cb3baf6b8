package org.uringfuse.export.passthrough;

import static org.uringfuse.export.sys.PosixCalls.AT_FDCWD;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.uringfuse.export.sys.PosixCalls;
import org.uringfuse.export.sys.StatxBuffer;
import org.uringfuse.fuse.api.Attr;

/**
 * Clears set-user-ID and set-group-ID bits on a backing file the way the kernel does when an
 * unprivileged process writes, truncates or changes the ACL of a file ({@link Attr#withoutSetIdBits}). The
 * passthrough needs this because it writes as root, which the backing filesystem lets keep them.
 *
 * <p>Threads: stateless; called on loop threads.
 */
final class SetIdBits {
  static final int S_ISGID = 02000;

  private SetIdBits() {}

  /**
   * Clears the bits on the file behind {@code fd} (any fd, O_PATH included) when they are set.
   *
   * @param groupOnly only the set-group-ID bit (a POSIX ACL change by a caller outside the group)
   * @return 0, or a negative errno
   */
  static int clear(int fd, boolean groupOnly) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(StatxBuffer.BYTES, 8);
      int r = StatxBuffer.ofFd(fd, StatxBuffer.STATX_BASIC_STATS, st);
      if (r < 0) {
        return r;
      }
      int mode = StatxBuffer.mode(st) & 07777;
      int cleared = groupOnly ? mode & ~S_ISGID : Attr.withoutSetIdBits(mode);
      if (cleared == mode) {
        return 0;
      }
      return PosixCalls.fchmodat(AT_FDCWD, a.allocateFrom("/proc/self/fd/" + fd), cleared, 0);
    }
  }
}
