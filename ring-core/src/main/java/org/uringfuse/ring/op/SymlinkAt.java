package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_SYMLINKAT}: {@code symlinkat(target, newdirfd, linkpath)}. */
public final class SymlinkAt extends SqeOp<SymlinkAt> {

  private final MemorySegment target;
  private final int newDirFd;
  private final MemorySegment linkPath;

  private SymlinkAt(MemorySegment target, int newDirFd, MemorySegment linkPath) {
    this.target = target;
    this.newDirFd = newDirFd;
    this.linkPath = linkPath;
  }

  public static SymlinkAt of(MemorySegment target, int newDirFd, MemorySegment linkPath) {
    return new SymlinkAt(target, newDirFd, linkPath);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, newDirFd);
    Sqe.addr(sqe, target.address());
    Sqe.addr2(sqe, linkPath.address());
  }

  @Override
  public int opcode() {
    return IORING_OP_SYMLINKAT;
  }
}
