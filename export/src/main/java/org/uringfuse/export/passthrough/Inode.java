package org.uringfuse.export.passthrough;

import org.uringfuse.fuse.api.Attr;

/**
 * One backing inode: its identity (st_dev, st_ino), an O_PATH fd that names it without following
 * symlinks, the node id we gave the kernel, and the kernel's lookup count.
 *
 * <p>Threads: {@code fd}, {@code nodeId}, {@code dev}, {@code ino}, {@code type} are final. The
 * lookup count is guarded by the {@link InodeTable}'s lock.
 */
final class Inode {
  final long nodeId;
  final long dev;
  final long ino;
  final int fd;
  final int type;   // S_IFMT bits
  final long generation;
  long lookupCount;

  Inode(long nodeId, long dev, long ino, int fd, int type, long generation) {
    this.nodeId = nodeId;
    this.dev = dev;
    this.ino = ino;
    this.fd = fd;
    this.type = type;
    this.generation = generation;
  }

  /** The path through which syscalls that cannot take an O_PATH fd reach this inode. */
  String procPath() {
    return "/proc/self/fd/" + fd;
  }

  boolean isSymlink() {
    return type == Attr.S_IFLNK;
  }
}
