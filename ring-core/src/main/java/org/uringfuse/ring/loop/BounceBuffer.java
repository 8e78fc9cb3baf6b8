package org.uringfuse.ring.loop;

import java.lang.foreign.MemorySegment;

/**
 * A page-aligned scratch buffer from {@link EventLoop#bounceBuffer}, for O_DIRECT I/O whose own
 * memory, offset or length is not aligned: read or write whole pages through it and copy the
 * caller's part in or out. {@link #close()} gives it back to its loop for the next one.
 *
 * <p>Threads: the loop's owner thread only, from {@code bounceBuffer} to {@code close} (typically
 * closed in the completion of the buffer's last operation, which runs on that loop).
 */
public final class BounceBuffer implements AutoCloseable {
  private final BouncePool pool;
  private final BouncePool.Mapping mapping;
  private final MemorySegment segment;
  private boolean closed;

  BounceBuffer(BouncePool pool, BouncePool.Mapping mapping, long size) {
    this.pool = pool;
    this.mapping = mapping;
    this.segment = mapping.memory().asSlice(0, size);
  }

  /**
   * The buffer: page aligned, the size asked for. It holds whatever its last user left there, so
   * read or fill it before copying anything out. Not usable after {@link #close()}.
   */
  public MemorySegment segment() {
    return segment;
  }

  /** Gives the buffer back to its loop; no operation may still use it. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      pool.giveBack(mapping);   // throws on another thread, and the buffer stays open
      closed = true;
    }
  }
}
