package org.uringfuse.fuse.transport;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.loop.EventLoop;

/** Where transports deliver requests: the session. Called on the transport's loop thread. */
public interface RequestSink {
  /** A {@code /dev/fuse} read of {@code length} bytes in {@code buffer}; the slot answers it. */
  void onDeviceRequest(RequestSlot slot, MemorySegment buffer, int length, EventLoop loop);

  /** A channel stopped for good ({@code -ENODEV} after unmount or abort, or another error). */
  void onChannelEnded(String channel, int negErrno);
}
