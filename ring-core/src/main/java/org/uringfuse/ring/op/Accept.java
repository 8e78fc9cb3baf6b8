package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.LibC;

/** {@code IORING_OP_ACCEPT}: {@code accept4(fd, addr, addrlen, flags)}; res the new socket. */
public final class Accept extends SqeOp<Accept> {

  private final int fd;
  private final int acceptFlags;
  private MemorySegment addr = MemorySegment.NULL;
  private MemorySegment addrLen = MemorySegment.NULL;
  private int ioprio;

  private Accept(int fd, int acceptFlags) {
    this.fd = fd;
    this.acceptFlags = acceptFlags;
  }

  /** {@code acceptFlags} are accept4 flags ({@code SOCK_CLOEXEC}, {@code SOCK_NONBLOCK}). */
  public static Accept of(int fd, int acceptFlags) {
    return new Accept(fd, acceptFlags);
  }

  /** Where to store the peer address (sockaddr buffer and socklen_t in/out). */
  public Accept peer(MemorySegment sockaddr, MemorySegment socklen) {
    this.addr = sockaddr;
    this.addrLen = socklen;
    return this;
  }

  /** {@code IORING_ACCEPT_MULTISHOT}: one CQE per accepted connection, with {@code F_MORE}. */
  public Accept multishot() {
    ioprio |= IORING_ACCEPT_MULTISHOT;
    return this;
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.ioprio(sqe, ioprio);
    Sqe.addr(sqe, addr.address());
    Sqe.addr2(sqe, addrLen.address());
    Sqe.opFlags(sqe, acceptFlags);
  }

  @Override
  public Emulation emulation() {
    return new Emulation.WhenReady(fd, PollAdd.POLLIN, (ioprio & IORING_ACCEPT_MULTISHOT) != 0,
        () -> LibC.accept4(fd, addr, addrLen, acceptFlags));
  }

  @Override
  public int opcode() {
    return IORING_OP_ACCEPT;
  }
}
