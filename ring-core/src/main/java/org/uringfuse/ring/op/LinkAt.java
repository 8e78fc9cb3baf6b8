package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_LINKAT}: {@code linkat(olddirfd, oldpath, newdirfd, newpath, flags)}. */
public final class LinkAt extends SqeOp<LinkAt> {

  public static final int AT_SYMLINK_FOLLOW = 0x400;
  public static final int AT_EMPTY_PATH = 0x1000;

  private final int oldDirFd;
  private final MemorySegment oldPath;
  private final int newDirFd;
  private final MemorySegment newPath;
  private final int linkFlags;

  private LinkAt(int oldDirFd, MemorySegment oldPath, int newDirFd, MemorySegment newPath, int linkFlags) {
    this.oldDirFd = oldDirFd;
    this.oldPath = oldPath;
    this.newDirFd = newDirFd;
    this.newPath = newPath;
    this.linkFlags = linkFlags;
  }

  public static LinkAt of(int oldDirFd, MemorySegment oldPath, int newDirFd, MemorySegment newPath, int linkFlags) {
    return new LinkAt(oldDirFd, oldPath, newDirFd, newPath, linkFlags);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, oldDirFd);
    Sqe.addr(sqe, oldPath.address());
    Sqe.len(sqe, newDirFd);
    Sqe.addr2(sqe, newPath.address());
    Sqe.opFlags(sqe, linkFlags);
  }

  @Override
  public int opcode() {
    return IORING_OP_LINKAT;
  }
}
