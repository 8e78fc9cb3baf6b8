package org.uringfuse.export.image;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Byte-range locks over the image for writes that must not interleave: a read-modify-write of whole
 * blocks (an O_DIRECT image written at an unaligned offset or length) holds its blocks from the read
 * to the end of the write, and any other write to those blocks waits, or one of them would put back
 * bytes the other had just replaced. A write that finds its range free starts at once; waiters are
 * granted in arrival order as ranges are released, each on its own loop.
 *
 * <p>Threads: acquired and released from every loop thread, under this object's monitor; the
 * continuation of a waiter runs on the loop that asked ({@code RequestIo.execute}), never under the
 * monitor.
 */
final class BlockLocks {
  private record Range(long start, long end) {
    boolean overlaps(Range o) {
      return start < o.end && o.start < end;
    }
  }

  private record Waiter(Range range, Executor loop, Runnable then) {}

  private final List<Range> held = new ArrayList<>();
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

  /** Runs {@code then} holding {@code [start, end)}: now when it is free, else on {@code loop} once it is. */
  void acquire(long start, long end, Executor loop, Runnable then) {
    Range r = new Range(start, end);
    synchronized (this) {
      if (overlapsHeld(r) || waiting.stream().anyMatch(w -> w.range().overlaps(r))) {
        waiting.add(new Waiter(r, loop, then));
        return;
      }
      held.add(r);
    }
    then.run();
  }

  /** Releases {@code [start, end)} and starts the waiters that can now run. */
  void release(long start, long end) {
    List<Waiter> granted = new ArrayList<>();
    synchronized (this) {
      held.remove(new Range(start, end));
      List<Range> blocked = new ArrayList<>();
      for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        // FIFO among overlapping waiters: one queued earlier on the same blocks goes first.
        if (!overlapsHeld(w.range()) && blocked.stream().noneMatch(b -> b.overlaps(w.range()))) {
          held.add(w.range());
          granted.add(w);
          it.remove();
        } else {
          blocked.add(w.range());
        }
      }
    }
    for (Waiter w : granted) {
      w.loop().execute(w.then());
    }
  }

  /** Ranges held now (for tests and stats). */
  synchronized int heldCount() {
    return held.size();
  }

  private boolean overlapsHeld(Range r) {
    for (Range h : held) {
      if (h.overlaps(r)) {
        return true;
      }
    }
    return false;
  }
}
