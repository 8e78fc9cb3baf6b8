package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/**
 * {@code IORING_OP_ASYNC_CANCEL}: cancels matching requests. res: 0 found and cancelled, -ENOENT
 * not found, -EALREADY already running; with {@code ALL}/{@code ANY} the number cancelled.
 */
public final class AsyncCancel extends SqeOp<AsyncCancel> {

  private final long targetUserData;
  private final int fd;
  private final int cancelFlags;

  private AsyncCancel(long targetUserData, int fd, int cancelFlags) {
    this.targetUserData = targetUserData;
    this.fd = fd;
    this.cancelFlags = cancelFlags;
  }

  /** Cancels the request with this {@code user_data}. */
  public static AsyncCancel byUserData(long userData) {
    return new AsyncCancel(userData, -1, 0);
  }

  /** Cancels every request with this {@code user_data} ({@code IORING_ASYNC_CANCEL_ALL}). */
  public static AsyncCancel allByUserData(long userData) {
    return new AsyncCancel(userData, -1, IORING_ASYNC_CANCEL_ALL);
  }

  /** Cancels requests on {@code fd} ({@code IORING_ASYNC_CANCEL_FD}), every one with {@code all}. */
  public static AsyncCancel byFd(int fd, boolean all) {
    return new AsyncCancel(0, fd, IORING_ASYNC_CANCEL_FD | (all ? IORING_ASYNC_CANCEL_ALL : 0));
  }

  /** Cancels every cancelable request of the ring ({@code IORING_ASYNC_CANCEL_ANY | ALL}). */
  public static AsyncCancel any() {
    return new AsyncCancel(0, -1, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
  }

  public int cancelFlags() {
    return cancelFlags;
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.addr(sqe, targetUserData);
    Sqe.opFlags(sqe, cancelFlags);
  }

  @Override
  public Emulation emulation() {
    return new Emulation.Cancel(targetUserData, fd, cancelFlags);
  }

  @Override
  public int opcode() {
    return IORING_OP_ASYNC_CANCEL;
  }
}
