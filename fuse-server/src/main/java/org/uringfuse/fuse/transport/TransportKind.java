package org.uringfuse.fuse.transport;

/** Which transport a session should use. */
public enum TransportKind {
  /** FUSE-over-io_uring when the kernel offers it, else classic, with one log line saying why. */
  AUTO,
  /** FUSE-over-io_uring or fail with the reason. */
  URING,
  /** {@code /dev/fuse} read/write only. */
  CLASSIC
}
