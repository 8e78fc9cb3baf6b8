package org.uringfuse.ring.loop;

/**
 * A level-triggered watch on a file descriptor (one-shot POLL_ADD re-armed after each event, the
 * way QEMU's fdmon-io_uring does it). Loop thread only.
 */
public interface FdWatch extends AutoCloseable {
  /** The watched fd. */
  int fd();

  /** True until {@link #close()} or until the kernel reported an error for the fd. */
  boolean isActive();

  /**
   * Stops watching. The pending poll is removed; the callback is not called again. Loop thread only.
   */
  @Override
  void close();
}
