package org.uringfuse.fuse.api;

import java.util.concurrent.Executor;
import org.uringfuse.ring.loop.BounceBuffer;
import org.uringfuse.ring.loop.CqeHandler;
import org.uringfuse.ring.op.SqePrep;

/**
 * What a filesystem may do on the event loop that serves a request: submit its own io_uring
 * operations there and answer from their completions, without copies or thread hand-offs, and run
 * a task there, now or later. Nothing else of the loop (closing it, driving it) is reachable from a filesystem.
 *
 * <p>Threads: {@link #submit} from the request's loop thread (inside the filesystem method or a
 * completion on that loop); {@link #execute} from any thread.
 */
public interface RequestIo extends Executor {
  /**
   * Submits one operation ({@code Read.of(fd, buffer, offset)}, {@code Fsync.of(fd)}...) on the
   * request's loop; {@code onCompletion} runs on that loop with the CQE's result and flags.
   *
   * @return the operation's id
   */
  long submit(SqePrep operation, CqeHandler onCompletion);

  /**
   * A page-aligned scratch buffer for O_DIRECT backing I/O on an unaligned range, recycled by the
   * request's loop once closed; close it on that loop, in the completion of its last operation.
   */
  BounceBuffer bounceBuffer(long size);

  /**
   * Whether this is the only request the session is serving, nothing waits on its loop and no
   * request waits in the kernel to be taken (the classic transport asks with a poll(2)): the one
   * moment a brief blocking call on the loop (a synchronous write to a disk) delays no other
   * request. From the request's loop thread.
   */
  boolean alone();

  /** Runs {@code task} on the request's loop after {@code delayNanos} (from the loop thread). */
  long schedule(long delayNanos, Runnable task);

  /** Runs {@code task} on the request's loop (from any thread). */
  @Override
  void execute(Runnable task);
}
