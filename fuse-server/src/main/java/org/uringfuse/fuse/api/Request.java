package org.uringfuse.fuse.api;

import org.uringfuse.ring.loop.EventLoop;

/**
 * The context of one request: who asked, and the event loop it runs on. Valid until the request is
 * answered. The loop is where a filesystem may submit its own SQEs ({@code loop().addSqe}) and
 * reply from their completion, without copies or thread hand-offs.
 */
public interface Request {
  /** The kernel's id of this request. */
  long unique();

  /** {@code FUSE_*} opcode. */
  int opcode();

  /** Caller's uid, gid and pid (thread id) as the kernel reports them. */
  int uid();

  int gid();

  int pid();

  /** True once the kernel asked to interrupt this request (the caller got a signal). */
  boolean isInterrupted();

  /** The event loop this request is served on; replies may be sent from it or from any thread. */
  EventLoop loop();
}
