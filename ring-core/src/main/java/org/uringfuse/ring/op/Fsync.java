package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_FSYNC}: {@code fsync(fd)}, or {@code fdatasync(fd)} with {@link #datasync()}. */
public final class Fsync extends SqeOp<Fsync> {

  private final int fd;
  private int fsyncFlags;

  private Fsync(int fd) {
    this.fd = fd;
  }

  public static Fsync of(int fd) {
    return new Fsync(fd);
  }

  /** {@code IORING_FSYNC_DATASYNC}: flush data and only the metadata needed to read it. */
  public Fsync datasync() {
    fsyncFlags |= IORING_FSYNC_DATASYNC;
    return this;
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.opFlags(sqe, fsyncFlags);
  }

  @Override
  public Emulation emulation() {
    boolean datasync = (fsyncFlags & IORING_FSYNC_DATASYNC) != 0;
    return new Emulation.Blocking(fd, () -> datasync ? LibC.fdatasync(fd) : LibC.fsync(fd));
  }

  @Override
  public int opcode() {
    return IORING_OP_FSYNC;
  }
}
