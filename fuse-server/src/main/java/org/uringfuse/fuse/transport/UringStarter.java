package org.uringfuse.fuse.transport;

import org.uringfuse.fuse.api.ConnectionInfo;

/** How the session hands over to FUSE-over-io_uring during INIT. Called on the loop that got INIT. */
public interface UringStarter {
  /**
   * True when the queues can be created for these parameters (buffers allocated, loops able);
   * called before the INIT reply, which advertises FUSE_OVER_IO_URING only when this says yes.
   */
  boolean prepare(ConnectionInfo proposed);

  /** Registers every entry of every queue; called right after the INIT reply was written. */
  void start(ConnectionInfo negotiated);
}
