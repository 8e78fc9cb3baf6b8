package org.uringfuse.export;

import java.util.function.LongConsumer;
import org.uringfuse.fuse.api.Replies.Reply;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.CqeHandler;

/** Turning the CQE of an export's backing I/O into the answer of the FUSE request it serves. */
public final class Completions {
  private Completions() {}

  /**
   * A handler that passes a non-negative result (a byte count) to {@code ok} and answers a negative
   * one as that errno. Runs on the request's loop, where the SQE was submitted.
   */
  public static CqeHandler countOrError(LongConsumer ok, Reply reply) {
    return (res, flags) -> {
      if (res < 0) {
        reply.error(Errno.ofResult(res));
      } else {
        ok.accept(res);
      }
    };
  }
}
