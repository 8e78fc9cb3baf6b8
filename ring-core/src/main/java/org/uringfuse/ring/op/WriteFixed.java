package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_WRITE_FIXED}: a write from (part of) registered buffer {@code bufIndex}. */
public final class WriteFixed extends SqeOp<WriteFixed> {

  private final int fd;
  private final MemorySegment buffer;
  private final long offset;
  private final int bufIndex;

  private WriteFixed(int fd, MemorySegment buffer, long offset, int bufIndex) {
    this.fd = fd;
    this.buffer = buffer;
    this.offset = offset;
    this.bufIndex = bufIndex;
  }

  /** {@code buffer} must lie inside the buffer registered at {@code bufIndex}. */
  public static WriteFixed of(int fd, MemorySegment buffer, long offset, int bufIndex) {
    return new WriteFixed(fd, buffer, offset, bufIndex);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.addr(sqe, buffer.address());
    Sqe.len(sqe, Math.toIntExact(buffer.byteSize()));
    Sqe.off(sqe, offset);
    Sqe.bufIndex(sqe, bufIndex);
  }

  @Override
  public int opcode() {
    return IORING_OP_WRITE_FIXED;
  }
}
