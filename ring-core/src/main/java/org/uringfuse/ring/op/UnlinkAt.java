package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_UNLINKAT}: {@code unlinkat(dirfd, path, flags)}; {@code AT_REMOVEDIR} removes a directory. */
public final class UnlinkAt extends SqeOp<UnlinkAt> {

  public static final int AT_REMOVEDIR = 0x200;

  private final int dirfd;
  private final MemorySegment path;
  private final int unlinkFlags;

  private UnlinkAt(int dirfd, MemorySegment path, int unlinkFlags) {
    this.dirfd = dirfd;
    this.path = path;
    this.unlinkFlags = unlinkFlags;
  }

  public static UnlinkAt of(int dirfd, MemorySegment path, int unlinkFlags) {
    return new UnlinkAt(dirfd, path, unlinkFlags);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, dirfd);
    Sqe.addr(sqe, path.address());
    Sqe.opFlags(sqe, unlinkFlags);
  }

  @Override
  public int opcode() {
    return IORING_OP_UNLINKAT;
  }
}
