package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_MKDIRAT}: {@code mkdirat(dirfd, path, mode)}. */
public final class MkdirAt extends SqeOp<MkdirAt> {

  private final int dirfd;
  private final MemorySegment path;
  private final int mode;

  private MkdirAt(int dirfd, MemorySegment path, int mode) {
    this.dirfd = dirfd;
    this.path = path;
    this.mode = mode;
  }

  public static MkdirAt of(int dirfd, MemorySegment path, int mode) {
    return new MkdirAt(dirfd, path, mode);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, dirfd);
    Sqe.addr(sqe, path.address());
    Sqe.len(sqe, mode);
  }

  @Override
  public int opcode() {
    return IORING_OP_MKDIRAT;
  }
}
