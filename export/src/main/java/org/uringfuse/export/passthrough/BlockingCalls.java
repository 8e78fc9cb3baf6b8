package org.uringfuse.export.passthrough;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.uringfuse.fuse.api.Replies.Reply;
import org.uringfuse.ring.Errno;

/**
 * A small bounded pool for the syscalls that can hold a thread for seconds and that io_uring has no
 * operation for (copy_file_range of gigabytes): run on a loop, one of them would stall every
 * request of that loop's queue. At most {@link #THREADS} run at once (each started on demand and
 * gone after 30 s idle); up to {@link #QUEUED} more wait; beyond that a request is answered EAGAIN
 * at once rather than queued without bound.
 *
 * <p>Threads: {@link #run} is called on loop threads; the work and its reply run on a pool thread
 * (a reply may be sent from any thread).
 */
final class BlockingCalls implements AutoCloseable {
  static final int THREADS = 4;
  static final int QUEUED = 1024;

  private final ThreadPoolExecutor pool;

  BlockingCalls() {
    AtomicInteger n = new AtomicInteger();
    pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
        r -> Thread.ofPlatform().daemon(true).name("uringfuse-blocking-" + n.incrementAndGet()).unstarted(r));
    pool.allowCoreThreadTimeOut(true);
  }

  /** Runs {@code work} (which answers {@code reply}) on the pool, or answers EAGAIN when it is full. */
  void run(Reply reply, Runnable work) {
    try {
      pool.execute(() -> {
        try {
          work.run();
        } catch (RuntimeException e) {
          System.getLogger(BlockingCalls.class.getName()).log(System.Logger.Level.ERROR, "blocking call failed", e);
          reply.error(Errno.EIO);
        }
      });
    } catch (RejectedExecutionException full) {
      reply.error(Errno.EAGAIN);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
