package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_POLL_ADD}: completes with the ready events of {@code fd}; one-shot unless {@link #multishot()}. */
public final class PollAdd extends SqeOp<PollAdd> {

  public static final int POLLIN = 0x001;
  public static final int POLLPRI = 0x002;
  public static final int POLLOUT = 0x004;
  public static final int POLLERR = 0x008;
  public static final int POLLHUP = 0x010;
  public static final int POLLNVAL = 0x020;
  public static final int POLLRDHUP = 0x2000;
  /**
   * {@code EPOLLEXCLUSIVE}: of several one-shot polls waiting on one wait queue, an event wakes one
   * (io_uring honours it for one-shot POLL_ADD; the epoll backend ignores it).
   */
  public static final int EPOLLEXCLUSIVE = 1 << 28;

  private final int fd;
  private final int events;
  private int pollFlags;

  private PollAdd(int fd, int events) {
    this.fd = fd;
    this.events = events;
  }

  public static PollAdd of(int fd, int events) {
    return new PollAdd(fd, events);
  }

  /** {@code IORING_POLL_ADD_MULTI}: one CQE per readiness change (edge-triggered), with {@code F_MORE} until the last. */
  public PollAdd multishot() {
    pollFlags |= IORING_POLL_ADD_MULTI;
    return this;
  }

  /** {@code IORING_POLL_ADD_LEVEL}: level-triggered. */
  public PollAdd level() {
    pollFlags |= IORING_POLL_ADD_LEVEL;
    return this;
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.len(sqe, pollFlags);
    Sqe.opFlags(sqe, events);
  }

  @Override
  public Emulation emulation() {
    return new Emulation.WhenReady(fd, events & 0xffff, (pollFlags & IORING_POLL_ADD_MULTI) != 0, null);
  }

  @Override
  public int opcode() {
    return IORING_OP_POLL_ADD;
  }
}
