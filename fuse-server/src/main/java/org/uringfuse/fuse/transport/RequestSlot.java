package org.uringfuse.fuse.transport;

import java.lang.foreign.MemorySegment;
import org.uringfuse.fuse.proto.MalformedRequestException;
import org.uringfuse.fuse.proto.RequestView;

/**
 * The transport side of one request in flight: where its bytes are, where its reply body goes and
 * how it is sent. The transports differ only in layout (one contiguous /dev/fuse read, or a ring
 * entry's header and payload buffers); what a request means is decided by the session, once.
 *
 * <p>Threads: owned by one event loop; {@link #send} and {@link #release} run on it. The body may be
 * filled from another thread before the send is handed to the loop.
 */
public interface RequestSlot {
  /** The request's {@code fuse_in_header}. */
  MemorySegment header();

  /**
   * The request split into header fields, an op struct of {@code fixedIn} bytes, {@code nameCount}
   * names and payload.
   *
   * @throws MalformedRequestException when the request's sizes disagree with the transport's or
   *     with the op's
   */
  RequestView parse(int fixedIn, int nameCount) throws MalformedRequestException;

  /** The reply body area (its size is the most a reply may carry). */
  MemorySegment body();

  /** Sends {@code fuse_out_header} + the first {@code bodyLength} bytes of {@link #body()}, then frees the slot. */
  void send(long unique, int negErrno, int bodyLength);

  /** Frees the slot without replying (FORGET, INTERRUPT, NOTIFY_REPLY). */
  void release();

  /** The transport's name, for stats and tests: "classic" or "uring". */
  String transportName();
}
