package org.uringfuse.fuse.transport;

import java.lang.foreign.MemorySegment;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.proto.MalformedRequestException;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.ring.loop.CqeHandler;
import org.uringfuse.ring.op.SqeOp;

/**
 * The transport side of one request in flight: where its bytes are, where its reply body goes and
 * how it is sent. The transports differ only in layout (one contiguous /dev/fuse read, or a ring
 * entry's header and payload buffers); what a request means is decided by the session, once.
 * A transport announces each slot it makes to its {@link RequestSink} before the slot's first request.
 *
 * <p>Threads: owned by one event loop; {@link #send} and {@link #release} run on it. The body may be
 * filled from another thread before the send is handed to the loop. {@link #inFlight} is written on
 * the owning loop and read from any thread (an interrupt arriving on another loop, a loop's death).
 */
public abstract class RequestSlot {
  private volatile Request inFlight;

  /** The request's {@code fuse_in_header}. */
  public abstract MemorySegment header();

  /**
   * The request split into header fields, an op struct of {@code fixedIn} bytes, {@code nameCount}
   * names and payload.
   *
   * @throws MalformedRequestException when the request's sizes disagree with the transport's or
   *     with the op's
   */
  public abstract RequestView parse(int fixedIn, int nameCount) throws MalformedRequestException;

  /** The reply body area (its size is the most a reply may carry). */
  public abstract MemorySegment body();

  /** Sends {@code fuse_out_header} + the first {@code bodyLength} bytes of {@link #body()}, then frees the slot. */
  public abstract void send(long unique, int negErrno, int bodyLength);

  /**
   * Answers with a {@code bodyLength}-byte body that {@code fill} (an op that puts exactly that many
   * bytes into {@link #body()}, such as a READ) produces, and has the kernel send the reply as soon as
   * the op completed in full: no trip back through the loop between the two. {@code onFill} gets the
   * op's result on the loop thread: {@code bodyLength} means the reply went; anything else (an error,
   * a short read) means nothing was sent, and the request is answered with {@link #send} as usual.
   *
   * @return false, with nothing submitted, when this transport cannot link a reply to an op
   */
  public boolean sendAfter(SqeOp<?> fill, long unique, int bodyLength, CqeHandler onFill) {
    return false;
  }

  /**
   * Whether requests wait in the kernel that the server has not taken yet, beyond those the session
   * and the loop already hold. Over FUSE-over-io_uring the kernel hands each request to a waiting
   * ring entry at once, so what waits is already on the loop; /dev/fuse queues them until read.
   * Loop thread; may cost a system call.
   */
  public boolean othersQueued() {
    return false;
  }

  /** Frees the slot without replying (FORGET, INTERRUPT, NOTIFY_REPLY). */
  public abstract void release();

  /** The transport's name, for stats and tests: "classic" or "uring". */
  public abstract String transportName();

  /** The unanswered request this slot holds, as the session recorded it; null when none. */
  public final Request inFlight() {
    return inFlight;
  }

  /** Records the request this slot holds until it is answered (null once it is); the session's to set. */
  public final void inFlight(Request request) {
    inFlight = request;
  }
}
