/**
 * Transports only move bytes: they fetch requests into buffers, hand them to the session as
 * {@link org.uringfuse.fuse.proto.RequestView}s with a {@link RequestSlot}, and send what the
 * session writes into the slot's reply body. {@code /dev/fuse} (classic) and FUSE-over-io_uring.
 */
package org.uringfuse.fuse.transport;
