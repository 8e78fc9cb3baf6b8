package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_STATX}: {@code statx(dirfd, path, flags, mask, statxbuf)}. */
public final class Statx extends SqeOp<Statx> {

  public static final int AT_EMPTY_PATH = 0x1000;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int STATX_BASIC_STATS = 0x7ff;

  private final int dirfd;
  private final MemorySegment path;
  private final int flags;
  private final int mask;
  private final MemorySegment statxBuffer;

  private Statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statxBuffer) {
    this.dirfd = dirfd;
    this.path = path;
    this.flags = flags;
    this.mask = mask;
    this.statxBuffer = statxBuffer;
  }

  /** {@code statxBuffer} must hold a {@code struct statx} (256 bytes). */
  public static Statx of(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statxBuffer) {
    return new Statx(dirfd, path, flags, mask, statxBuffer);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, dirfd);
    Sqe.addr(sqe, path.address());
    Sqe.len(sqe, mask);
    Sqe.opFlags(sqe, flags);
    Sqe.off(sqe, statxBuffer.address());
  }

  @Override
  public Emulation emulation() {
    return new Emulation.Blocking(dirfd, () -> LibC.statx(dirfd, path, flags, mask, statxBuffer));
  }

  @Override
  public int opcode() {
    return IORING_OP_STATX;
  }
}
