package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_CONNECT}: {@code connect(fd, addr, addrlen)}. */
public final class Connect extends SqeOp<Connect> {

  private final int fd;
  private final MemorySegment sockaddr;

  private Connect(int fd, MemorySegment sockaddr) {
    this.fd = fd;
    this.sockaddr = sockaddr;
  }

  /** {@code sockaddr} is exactly the address structure (its size is {@code addrlen}). */
  public static Connect of(int fd, MemorySegment sockaddr) {
    return new Connect(fd, sockaddr);
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.addr(sqe, sockaddr.address());
    Sqe.off(sqe, sockaddr.byteSize());
  }

  @Override
  public int opcode() {
    return IORING_OP_CONNECT;
  }
}
