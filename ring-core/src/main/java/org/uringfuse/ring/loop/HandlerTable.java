package org.uringfuse.ring.loop;

import java.util.Arrays;

/**
 * The in-flight operations of one loop: {@code user_data} is {@code generation << 32 | slot}, an
 * index into this table, never an address. A slot's generation changes when it is freed, so a late
 * or duplicate completion cannot reach the slot's next owner. Never returns {@code user_data} 0,
 * which marks operations nobody waits for.
 *
 * <p>Threads: owner thread of the loop only.
 */
final class HandlerTable {
  private CqeHandler[] handlers;
  private int[] generations;
  private int[] freeSlots;
  private int freeCount;
  private int inFlight;

  HandlerTable(int initialCapacity) {
    handlers = new CqeHandler[initialCapacity];
    generations = new int[initialCapacity];
    freeSlots = new int[initialCapacity];
    addFreeSlots(0, initialCapacity);
  }

  /** Stores the handler and returns its {@code user_data}. */
  long add(CqeHandler handler) {
    if (freeCount == 0) {
      grow();
    }
    int slot = freeSlots[--freeCount];
    handlers[slot] = handler;
    inFlight++;
    return ((long) generations[slot] << 32) | slot;
  }

  /** The live handler for {@code userData}, or null when it is stale or unknown. */
  CqeHandler get(long userData) {
    int slot = (int) userData;
    if (userData == 0 || slot < 0 || slot >= handlers.length
        || generations[slot] != (int) (userData >>> 32)) {
      return null;
    }
    return handlers[slot];
  }

  /** Frees the slot of a live {@code userData}. */
  void remove(long userData) {
    int slot = (int) userData;
    handlers[slot] = null;
    int g = generations[slot] + 1;
    generations[slot] = g == 0 ? 1 : g;
    freeSlots[freeCount++] = slot;
    inFlight--;
  }

  int inFlight() {
    return inFlight;
  }

  int capacity() {
    return handlers.length;
  }

  /** Class names of the handlers still in flight, for shutdown reports. */
  String describeInFlight() {
    StringBuilder sb = new StringBuilder();
    for (CqeHandler h : handlers) {
      if (h != null) {
        sb.append(sb.isEmpty() ? "" : ", ").append(h.getClass().getName());
      }
    }
    return sb.toString();
  }

  private void grow() {
    int old = handlers.length;
    int size = old * 2;
    handlers = Arrays.copyOf(handlers, size);
    generations = Arrays.copyOf(generations, size);
    freeSlots = Arrays.copyOf(freeSlots, size);
    addFreeSlots(old, size);
  }

  private void addFreeSlots(int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      freeSlots[freeCount++] = i;
      generations[i] = 1;
    }
  }
}
