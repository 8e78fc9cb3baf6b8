package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_FALLOCATE}: {@code fallocate(fd, mode, offset, length)}. */
public final class Fallocate extends SqeOp<Fallocate> {

  public static final int FALLOC_FL_KEEP_SIZE = 0x01;
  public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
  public static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;
  public static final int FALLOC_FL_ZERO_RANGE = 0x10;
  public static final int FALLOC_FL_INSERT_RANGE = 0x20;

  private final int fd;
  private final int mode;
  private final long offset;
  private final long length;

  private Fallocate(int fd, int mode, long offset, long length) {
    this.fd = fd;
    this.mode = mode;
    this.offset = offset;
    this.length = length;
  }

  public static Fallocate of(int fd, int mode, long offset, long length) {
    return new Fallocate(fd, mode, offset, length);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.off(sqe, offset);
    Sqe.addr(sqe, length);   // the length travels in addr
    Sqe.len(sqe, mode);      // and the mode in len
  }

  @Override
  public Emulation emulation() {
    return new Emulation.Blocking(fd, () -> LibC.fallocate(fd, mode, offset, length));
  }

  @Override
  public int opcode() {
    return IORING_OP_FALLOCATE;
  }
}
