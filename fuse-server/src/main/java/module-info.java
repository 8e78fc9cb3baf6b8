/**
 * The FUSE half of uringfuse: protocol, mount, sessions, the {@code /dev/fuse} and
 * FUSE-over-io_uring transports, and the inode-level {@code Filesystem} API.
 */
module org.uringfuse.fuse {
  requires transitive org.uringfuse.ring;
  requires jdk.unsupported;
  requires java.management;
  exports org.uringfuse.fuse;
  exports org.uringfuse.fuse.api;
  exports org.uringfuse.fuse.server;
  exports org.uringfuse.fuse.transport;
}
