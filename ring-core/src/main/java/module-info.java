/**
 * io_uring from raw syscalls through the Foreign Function and Memory API, and the shared
 * {@link org.uringfuse.ring.loop.EventLoop} (QEMU AioContext analogue) built on it.
 *
 * <p>{@code abi} mirrors kernel structs and constants; {@code sys} holds the downcalls. Neither is
 * exported to the world: {@code sys} is shared only with uringfuse's own modules.
 */
module org.uringfuse.ring {
  exports org.uringfuse.ring;
  exports org.uringfuse.ring.op;
  exports org.uringfuse.ring.loop;
  exports org.uringfuse.ring.sys to org.uringfuse.fuse, org.uringfuse.export;
  exports org.uringfuse.ring.abi to org.uringfuse.fuse, org.uringfuse.export;
}
