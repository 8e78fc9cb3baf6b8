package org.uringfuse.fuse.transport;

import org.uringfuse.fuse.api.ConnectionInfo;

/**
 * The FUSE-over-io_uring transport as the session sees it during INIT, where it is handed over to.
 * Called on the loop that got INIT.
 */
public interface UringStarter extends Transport {
  /**
   * True when the queues can be created for these parameters (buffers allocated, loops able);
   * called before the INIT reply, which advertises FUSE_OVER_IO_URING only when this says yes.
   */
  boolean prepare(ConnectionInfo proposed);

  /** Registers every entry of every queue; called right after the INIT reply was written. */
  void start(ConnectionInfo negotiated);
}
