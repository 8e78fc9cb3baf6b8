package org.uringfuse.fuse.transport;

import java.lang.foreign.MemorySegment;
import org.uringfuse.fuse.proto.Opcode;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.ring.loop.EventLoop;

/** Where transports deliver requests: the session. Called on the transport's loop thread. */
public interface RequestSink {
  /** A {@code /dev/fuse} read of {@code length} bytes in {@code buffer}; the slot answers it. */
  void onDeviceRequest(RequestSlot slot, MemorySegment buffer, int length, EventLoop loop);

  /** A FUSE-over-io_uring request, already split into header, op struct and payload. */
  void onRingRequest(Opcode op, RequestSlot slot, RequestView view, EventLoop loop);

  /** The op struct size of {@code op} under the negotiated protocol (SETXATTR depends on it). */
  int fixedIn(Opcode op);

  /** Answers an opcode uringfuse does not serve (ENOSYS, logged once per opcode). */
  void onUnknownOpcode(int opcode, long unique, RequestSlot slot);

  /** A channel (or the io_uring transport as a whole) starts serving; the session ends when all ended. */
  void onChannelStarted();

  /** A channel stopped for good ({@code -ENODEV} after unmount or abort, or another error). */
  void onChannelEnded(String channel, int negErrno);
}
