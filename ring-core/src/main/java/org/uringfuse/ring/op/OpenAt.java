package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_OPENAT}: {@code openat(dirfd, path, flags, mode)}; res is the new fd. */
public final class OpenAt extends SqeOp<OpenAt> {

  private final int dirfd;
  private final MemorySegment path;
  private final int openFlags;
  private final int mode;

  private OpenAt(int dirfd, MemorySegment path, int openFlags, int mode) {
    this.dirfd = dirfd;
    this.path = path;
    this.openFlags = openFlags;
    this.mode = mode;
  }

  /** {@code path} is a NUL-terminated string; {@code dirfd} may be {@code AT_FDCWD} (-100). */
  public static OpenAt of(int dirfd, MemorySegment path, int openFlags, int mode) {
    return new OpenAt(dirfd, path, openFlags, mode);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, dirfd);
    Sqe.addr(sqe, path.address());
    Sqe.len(sqe, mode);
    Sqe.opFlags(sqe, openFlags);
  }

  @Override
  public Emulation emulation() {
    return new Emulation.Blocking(dirfd, () -> LibC.openat(dirfd, path, openFlags, mode));
  }

  @Override
  public int opcode() {
    return IORING_OP_OPENAT;
  }
}
