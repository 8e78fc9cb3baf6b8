package org.uringfuse.fuse.transport;

import java.lang.foreign.MemorySegment;

/**
 * The transport side of one request in flight: where its reply body goes and how it is sent.
 *
 * <p>Threads: owned by one event loop; {@link #send} and {@link #release} run on it. The body may be
 * filled from another thread before the send is handed to the loop.
 */
public interface RequestSlot {
  /** The reply body area (its size is the most a reply may carry). */
  MemorySegment body();

  /** Sends {@code fuse_out_header} + the first {@code bodyLength} bytes of {@link #body()}, then frees the slot. */
  void send(long unique, int negErrno, int bodyLength);

  /** Frees the slot without replying (FORGET, INTERRUPT, NOTIFY_REPLY). */
  void release();

  /** The transport's name, for stats and tests: "classic" or "uring". */
  String transportName();
}
