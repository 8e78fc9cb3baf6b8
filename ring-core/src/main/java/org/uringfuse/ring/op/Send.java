package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_SEND}: {@code send(fd, buf, len, flags)}. */
public final class Send extends SqeOp<Send> {

  private final int fd;
  private final MemorySegment buffer;
  private final int msgFlags;

  private Send(int fd, MemorySegment buffer, int msgFlags) {
    this.fd = fd;
    this.buffer = buffer;
    this.msgFlags = msgFlags;
  }

  public static Send of(int fd, MemorySegment buffer, int msgFlags) {
    return new Send(fd, buffer, msgFlags);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.addr(sqe, buffer.address());
    Sqe.len(sqe, Math.toIntExact(buffer.byteSize()));
    Sqe.opFlags(sqe, msgFlags);
  }

  @Override
  public Emulation emulation() {
    long length = buffer.byteSize();
    return new Emulation.WhenReady(fd, PollAdd.POLLOUT, false,
        () -> (int) LibC.send(fd, buffer, length, msgFlags | LibC.MSG_DONTWAIT));
  }

  @Override
  public int opcode() {
    return IORING_OP_SEND;
  }
}
