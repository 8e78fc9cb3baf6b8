package org.uringfuse.fuse.api;

import org.uringfuse.fuse.abi.FuseKernel;

/**
 * A node the kernel knows (an inode of the filesystem, by the id the filesystem gave it in an entry
 * reply), as every request names it. Typed so that a node cannot be passed where a file handle is
 * meant. {@link #ROOT} is the root directory.
 */
public record NodeId(long value) {
  public static final NodeId ROOT = new NodeId(FuseKernel.FUSE_ROOT_ID);

  @Override
  public String toString() {
    return "node " + value;
  }
}
