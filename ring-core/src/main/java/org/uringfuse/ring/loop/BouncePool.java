package org.uringfuse.ring.loop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.uringfuse.ring.sys.LibC;

/**
 * One loop's bounce buffers ({@link EventLoop#bounceBuffer}): mapped on demand in power-of-two
 * multiples of a page, kept for reuse up to {@link #KEPT_BYTES}, unmapped beyond that and when the
 * loop ends.
 *
 * <p>Memory is mapped and unmapped explicitly, never left to an automatic arena: that is freed only
 * when the GC runs, and a server that allocates little on the Java heap rarely collects (an image
 * export held 250 MB of bounce memory after 15 s of unaligned writes). Each mapping has its own
 * confined arena, so a buffer used after it was unmapped throws instead of touching freed memory.
 *
 * <p>Threads: the loop's owner thread only; {@link #mappedBytes()} may be read by any thread.
 */
final class BouncePool {
  static final long PAGE = 4096;
  /** Free buffers a loop keeps for reuse, in bytes; a buffer given back beyond that is unmapped. */
  static final long KEPT_BYTES = 1 << 20;
  /** The largest buffer: 64 MiB, far above any FUSE request (max_pages is at most 256 pages). */
  static final int SIZE_CLASSES = 15;

  /** A mapping and the arena that unmaps it. */
  record Mapping(Arena arena, MemorySegment memory) {}

  private final Thread owner;
  private final List<ArrayDeque<Mapping>> free = new ArrayList<>();   // index: log2(pages)
  private long keptBytes;
  private volatile long mappedBytes;
  private boolean closed;

  BouncePool(Thread owner) {
    this.owner = owner;
    for (int c = 0; c < SIZE_CLASSES; c++) {
      free.add(new ArrayDeque<>());
    }
  }

  BounceBuffer take(long size) {
    checkThread();
    if (size <= 0 || size > PAGE << (SIZE_CLASSES - 1)) {
      throw new IllegalArgumentException("bounce buffer of " + size + " bytes");
    }
    int sizeClass = sizeClass(size);
    Mapping m = free.get(sizeClass).pollFirst();
    if (m != null) {
      keptBytes -= m.memory().byteSize();
    } else {
      long length = PAGE << sizeClass;
      Arena arena = Arena.ofConfined();
      m = new Mapping(arena, LibC.mapAnonymous(length, arena));
      mappedBytes += length;
    }
    return new BounceBuffer(this, m, size);
  }

  void giveBack(Mapping m) {
    checkThread();
    long length = m.memory().byteSize();
    if (closed || keptBytes + length > KEPT_BYTES) {
      unmap(m);
      return;
    }
    free.get(sizeClass(length)).addFirst(m);   // most recently used first: its pages are still warm
    keptBytes += length;
  }

  /** Unmaps every kept buffer; buffers still in use are unmapped when given back. */
  void close() {
    checkThread();
    closed = true;
    for (ArrayDeque<Mapping> list : free) {
      for (Mapping m; (m = list.pollFirst()) != null; ) {
        unmap(m);
      }
    }
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

  /** log2 of the number of pages, rounded up: 1 page is class 0, 2 pages class 1, 3 or 4 class 2. */
  private static int sizeClass(long size) {
    long pages = (size + PAGE - 1) / PAGE;
    return 64 - Long.numberOfLeadingZeros(pages - 1);
  }

  private void checkThread() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("bounce buffers belong to " + owner.getName() + ", not "
          + Thread.currentThread().getName());
    }
  }
}
