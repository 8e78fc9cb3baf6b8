package org.uringfuse.fuse.transport;

import java.util.concurrent.CompletableFuture;

/**
 * A way requests reach the session: the {@code /dev/fuse} channel of one loop, or the
 * FUSE-over-io_uring queues. A transport only fetches requests into its buffers, hands each to the
 * {@link RequestSink} as a {@link RequestSlot}, and sends what the slot is given.
 *
 * <p>Threads: {@link #ended()} completes on a loop thread; {@link #freeBuffers()} runs on the
 * managing thread once the loops are closed.
 */
public interface Transport {
  /** Completes, with the negative errno that stopped it, once this transport serves no more requests. */
  CompletableFuture<Integer> ended();

  /** Frees the request buffers; only once no request of this transport can be answered any more. */
  void freeBuffers();
}
