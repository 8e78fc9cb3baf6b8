package org.uringfuse.fuse.transport;

import org.uringfuse.ring.loop.EventLoop;

/** Where transports deliver requests: the session. Called on the transport's loop thread. */
@FunctionalInterface
public interface RequestSink {
  /** A request arrived in {@code slot}, on {@code loop}; the slot answers it. */
  void onRequest(RequestSlot slot, EventLoop loop);
}
