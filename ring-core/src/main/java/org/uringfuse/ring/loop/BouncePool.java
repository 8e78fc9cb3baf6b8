package org.uringfuse.ring.loop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.uringfuse.ring.sys.LibC;

/**
 * One loop's bounce buffers ({@link EventLoop#bounceBuffer}): mapped on demand in whole pages, the
 * ones given back kept for reuse up to {@link #KEPT_BUFFERS} and {@link #KEPT_BYTES} (the smallest
 * kept buffer that fits serves the next request), unmapped beyond that and when the loop ends.
 *
 * <p>Memory is mapped and unmapped explicitly, never left to an automatic arena: that is freed only
 * when the GC runs, and a server that allocates little on the Java heap rarely collects (an image
 * export held 250 MB of bounce memory after 15 s of unaligned writes). Each mapping has its own
 * confined arena: once unmapped, a stale segment throws instead of touching freed memory (a buffer
 * used after {@link BounceBuffer#close()} but still kept here is not caught: that is the caller's bug).
 *
 * <p>Threads: the loop's owner thread only; {@link #mappedBytes()} may be read by any thread.
 */
final class BouncePool {
  static final long PAGE = 4096;
  /** Free buffers a loop keeps for reuse, in bytes; a buffer given back beyond that is unmapped. */
  static final long KEPT_BYTES = 2 << 20;
  /** And in number: the free list is searched whole at every take. */
  static final int KEPT_BUFFERS = 16;
  /** The largest buffer: far above any FUSE request (max_pages is at most 256 pages). */
  static final long MAX_BYTES = 64 << 20;

  /** A mapping and the arena that unmaps it. */
  record Mapping(Arena arena, MemorySegment memory) {}

  private final Thread owner;
  private final List<Mapping> kept = new ArrayList<>();
  private long keptBytes;
  private volatile long mappedBytes;
  private boolean closed;

  BouncePool(Thread owner) {
    this.owner = owner;
  }

  BounceBuffer take(long size) {
    checkThread();
    if (size <= 0 || size > MAX_BYTES) {
      throw new IllegalArgumentException("bounce buffer of " + size + " bytes");
    }
    long length = (size + PAGE - 1) / PAGE * PAGE;
    int best = -1;
    for (int i = 0; i < kept.size(); i++) {
      long l = kept.get(i).memory().byteSize();
      if (l >= length && (best < 0 || l < kept.get(best).memory().byteSize())) {
        best = i;
      }
    }
    Mapping m;
    if (best >= 0) {
      m = kept.remove(best);
      keptBytes -= m.memory().byteSize();
    } else {
      Arena arena = Arena.ofConfined();
      m = new Mapping(arena, LibC.mapAnonymous(length, arena));
      mappedBytes += length;
    }
    return new BounceBuffer(this, m, size);
  }

  void giveBack(Mapping m) {
    checkThread();
    long length = m.memory().byteSize();
    if (closed || kept.size() == KEPT_BUFFERS || keptBytes + length > KEPT_BYTES) {
      unmap(m);
      return;
    }
    kept.add(m);
    keptBytes += length;
  }

  /** Unmaps every kept buffer; buffers still in use are unmapped when given back. */
  void close() {
    checkThread();
    closed = true;
    kept.forEach(this::unmap);
    kept.clear();
    keptBytes = 0;
  }

  /** Bytes mapped: buffers in use and buffers kept for reuse. Any thread. */
  long mappedBytes() {
    return mappedBytes;
  }

  private void unmap(Mapping m) {
    mappedBytes -= m.memory().byteSize();
    m.arena().close();
  }

  private void checkThread() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("bounce buffers belong to " + owner.getName() + ", not "
          + Thread.currentThread().getName());
    }
  }
}
