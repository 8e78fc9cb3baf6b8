/**
 * io_uring from raw syscalls through the Foreign Function and Memory API, and the shared
 * {@link org.uringfuse.ring.loop.EventLoop} (QEMU AioContext analogue) built on it.
 *
 * <p>{@code abi} mirrors kernel structs and constants; {@code sys} holds the downcalls. Neither is
 * exported to the world. The FUSE module builds on both; the exports module, a filesystem made of
 * syscalls, makes its own downcalls ({@code export.sys}) with the one native call shape of
 * {@code sys.Native} and uses {@code sys.LibC}'s file calls, rather than a second copy of them.
 */
module org.uringfuse.ring {
  exports org.uringfuse.ring;
  exports org.uringfuse.ring.op;
  exports org.uringfuse.ring.loop;
  exports org.uringfuse.ring.sys to org.uringfuse.fuse, org.uringfuse.export;
  exports org.uringfuse.ring.abi to org.uringfuse.fuse;
}
