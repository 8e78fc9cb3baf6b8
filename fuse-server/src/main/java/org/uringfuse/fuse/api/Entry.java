package org.uringfuse.fuse.api;

/**
 * A name's answer ({@code struct fuse_entry_out}): the node the kernel will refer to, its
 * attributes and how long the kernel may cache the name and the attributes. Every entry reply with
 * a nonzero {@code nodeId} adds one to the kernel's lookup count of that node; FORGET subtracts.
 * {@code nodeId} 0 with a timeout caches a negative entry (the name does not exist).
 */
public record Entry(long nodeId, long generation, Attr attr, long entryTimeoutNanos, long attrTimeoutNanos) {

  /** A cached "no such name" answer. */
  public static Entry negative(long timeoutNanos) {
    return new Entry(0, 0, new Attr(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), timeoutNanos, 0);
  }
}
