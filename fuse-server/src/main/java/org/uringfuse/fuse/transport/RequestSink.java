package org.uringfuse.fuse.transport;

import org.uringfuse.ring.loop.EventLoop;

/** Where transports deliver requests: the session. */
public interface RequestSink {
  /** A transport made {@code slot}; called once per slot, before its first request, on any thread. */
  void slotCreated(RequestSlot slot);

  /** A request arrived in {@code slot}, on {@code loop}; the slot answers it. Called on the slot's loop thread. */
  void onRequest(RequestSlot slot, EventLoop loop);
}
