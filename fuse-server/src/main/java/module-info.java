/**
 * The FUSE half of uringfuse: protocol, mount, sessions, the {@code /dev/fuse} and
 * FUSE-over-io_uring transports, and the inode-level {@code Filesystem} API.
 */
module org.uringfuse.fuse {
  requires transitive org.uringfuse.ring;
  exports org.uringfuse.fuse;
}
