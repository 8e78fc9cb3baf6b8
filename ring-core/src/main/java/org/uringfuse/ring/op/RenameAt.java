package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_RENAMEAT}: {@code renameat2(olddirfd, oldpath, newdirfd, newpath, flags)}. */
public final class RenameAt extends SqeOp<RenameAt> {

  public static final int RENAME_NOREPLACE = 1;
  public static final int RENAME_EXCHANGE = 2;
  public static final int RENAME_WHITEOUT = 4;

  private final int oldDirFd;
  private final MemorySegment oldPath;
  private final int newDirFd;
  private final MemorySegment newPath;
  private final int renameFlags;

  private RenameAt(int oldDirFd, MemorySegment oldPath, int newDirFd, MemorySegment newPath, int renameFlags) {
    this.oldDirFd = oldDirFd;
    this.oldPath = oldPath;
    this.newDirFd = newDirFd;
    this.newPath = newPath;
    this.renameFlags = renameFlags;
  }

  public static RenameAt of(int oldDirFd, MemorySegment oldPath, int newDirFd, MemorySegment newPath, int renameFlags) {
    return new RenameAt(oldDirFd, oldPath, newDirFd, newPath, renameFlags);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, oldDirFd);
    Sqe.addr(sqe, oldPath.address());
    Sqe.len(sqe, newDirFd);
    Sqe.addr2(sqe, newPath.address());
    Sqe.opFlags(sqe, renameFlags);
  }

  @Override
  public int opcode() {
    return IORING_OP_RENAMEAT;
  }
}
