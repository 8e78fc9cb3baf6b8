package org.uringfuse.ring.loop;

import java.util.concurrent.Executor;
import java.util.function.IntConsumer;
import org.uringfuse.ring.op.SqePrep;

/**
 * One event loop per thread, in the model of QEMU's AioContext with {@code aio_add_sqe()}: fd
 * monitoring, timers, cross-thread wake-up, bottom halves and any io_uring operation share one ring
 * and one {@code io_uring_enter} per iteration.
 *
 * <p>Threads: a loop has one owner thread. Everything except {@link #execute}, {@link #inLoop()} and
 * {@link #close()} must be called on it (the methods check and throw {@link IllegalStateException}).
 * Handlers, timer tasks, fd callbacks, bottom halves and executed tasks all run on the owner thread.
 *
 * <p>Backends: {@link LoopOptions.Backend#IO_URING} submits SQEs to a real ring; the epoll backend
 * runs the same operations as syscalls (file I/O on worker threads, fds through epoll, timers on the
 * loop) and answers {@code -EOPNOTSUPP} for what only io_uring can do (URING_CMD).
 */
public interface EventLoop extends Executor, AutoCloseable {

  LoopOptions.Backend backend();

  /** The owner thread (for its name and CPU time). */
  Thread ownerThread();

  /** True when called on the owner thread. */
  boolean inLoop();

  /**
   * Submits one operation: gets a free SQE (submitting pending ones first if the SQ is full), lets
   * {@code prep} fill it, and sets {@code user_data}. The kernel sees it at the latest at the end of
   * the current iteration. {@code handler} runs on this thread when the CQE arrives.
   *
   * @return the operation's id, for {@link #cancel}; never 0
   * @throws java.util.concurrent.RejectedExecutionException after {@link #close()} began
   */
  long addSqe(SqePrep prep, CqeHandler handler);

  /**
   * Registers {@code fds} as this loop's fixed-file table, once: an op flagged {@code fixedFile()}
   * then names {@code fds[i]} by index {@code i}, and the kernel takes no reference to the file per
   * op (what liburing's io_uring_register_files gives libfuse for /dev/fuse). Owner thread.
   *
   * @return 0, or a negative errno ({@code -EOPNOTSUPP} on the epoll backend; {@code -EBUSY} when a
   *     table is registered already)
   */
  int registerFiles(int... fds);

  /**
   * Cancels an operation with {@code IORING_OP_ASYNC_CANCEL}. The operation's handler sees
   * {@code -ECANCELED} (or its normal result if it was already done); {@code answer} receives the
   * kernel's answer to the cancel: 0 found, {@code -ENOENT} not found, {@code -EALREADY} running.
   */
  void cancel(long opId, IntConsumer answer);

  /**
   * Watches {@code fd} for {@code events} (POLLIN, POLLOUT, ...), level-triggered: {@code onReady}
   * gets the ready events each time the fd is ready, or a negative errno once (and the watch ends).
   */
  FdWatch watchFd(int fd, int events, IntConsumer onReady);

  /**
   * A page-aligned scratch buffer of {@code size} bytes for O_DIRECT I/O whose own memory, offset or
   * length is not aligned, recycled by this loop once {@linkplain BounceBuffer#close() closed}.
   * Owner thread only, and closed on it (typically in the completion of its last operation).
   */
  BounceBuffer bounceBuffer(long size);

  /** Runs {@code task} on this loop after {@code delayNanos}; returns an id for {@link #cancel}. */
  long schedule(long delayNanos, Runnable task);

  /** Runs {@code task} once at the start of the next iteration (QEMU bottom half). Owner thread only. */
  void bottomHalf(Runnable task);

  /** Runs {@code task} on the loop; callable from any thread; wakes the loop if it sleeps. */
  @Override
  void execute(Runnable task);

  /** What busy polling did on this loop (all zero where the backend does not poll). Any thread. */
  default PollStats pollStats() {
    return PollStats.NONE;
  }

  /** What {@link SchedIdleGuard} did with this loop's thread (all zero when it is not guarded). Any thread. */
  default SchedStats schedStats() {
    return SchedStats.NONE;
  }

  /** Operations submitted and not yet completed (internal ones included). */
  int inFlight();

  /**
   * Whether completions or tasks wait to be handled (reaped, or still in the ring); owner thread
   * only. A handler about to block the loop briefly checks that nothing would wait for it.
   */
  boolean hasPendingEvents();

  /**
   * One iteration: executed tasks, bottom halves, completions; then, when nothing happened and
   * {@code mayBlock}, adaptive polling and a blocking wait. Owner thread only.
   *
   * @return true if any work was done
   */
  boolean runOnce(boolean mayBlock);

  /**
   * Stops the loop: new submissions are refused, every cancelable operation is cancelled, and the
   * loop drains until nothing is in flight or {@link LoopOptions#drainTimeout()} passed (then it
   * logs what is left and keeps that memory alive). From another thread this waits, bounded, for the
   * loop thread to finish.
   */
  @Override
  void close();
}
