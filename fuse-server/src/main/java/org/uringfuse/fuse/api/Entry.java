package org.uringfuse.fuse.api;

/**
 * A name's answer ({@code struct fuse_entry_out}): the node the kernel will refer to, its
 * attributes and how long the kernel may cache the name and the attributes. Every entry reply with
 * a node adds one to the kernel's lookup count of that node; FORGET subtracts. {@link #negative}
 * (node id 0) caches that the name does not exist.
 */
public record Entry(NodeId nodeId, long generation, Attr attr, long entryTimeoutNanos, long attrTimeoutNanos) {

  /** A cached "no such name" answer. */
  public static Entry negative(long timeoutNanos) {
    return new Entry(new NodeId(0), 0, new Attr(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), timeoutNanos, 0);
  }
}
