package org.uringfuse.ring.op;

import java.lang.foreign.MemorySegment;

/**
 * Fills one SQE. Called on the loop thread with a zeroed SQE (64 or 128 bytes); must not set
 * {@code user_data} (the loop owns it) and must not keep the segment.
 */
@FunctionalInterface
public interface SqePrep {
  void prep(MemorySegment sqe);
}
