package org.uringfuse.fuse.api;

/**
 * An open file or directory, by the handle the filesystem gave it in its OPEN, CREATE or OPENDIR
 * reply; the kernel passes it back with every request on that open file. Typed so that a handle
 * cannot be passed where a node is meant.
 */
public record FileHandle(long value) {
  @Override
  public String toString() {
    return "handle " + value;
  }
}
