package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_RECV}: {@code recv(fd, buf, len, flags)}; res 0 at end of stream. */
public final class Recv extends SqeOp<Recv> {

  private final int fd;
  private final MemorySegment buffer;
  private final int msgFlags;

  private Recv(int fd, MemorySegment buffer, int msgFlags) {
    this.fd = fd;
    this.buffer = buffer;
    this.msgFlags = msgFlags;
  }

  public static Recv of(int fd, MemorySegment buffer, int msgFlags) {
    return new Recv(fd, buffer, msgFlags);
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
    return new Emulation.WhenReady(fd, PollAdd.POLLIN, false,
        () -> (int) LibC.recv(fd, buffer, length, msgFlags | LibC.MSG_DONTWAIT));
  }

  @Override
  public int opcode() {
    return IORING_OP_RECV;
  }
}
