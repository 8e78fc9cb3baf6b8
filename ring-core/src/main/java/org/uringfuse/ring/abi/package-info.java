/**
 * Mirror of the io_uring ABI ({@code include/uapi/linux/io_uring.h}): struct layouts, field offsets
 * and constants spelled as in the kernel. No logic lives here; the code that uses these values is in
 * {@code org.uringfuse.ring} and {@code org.uringfuse.ring.op}.
 */
package org.uringfuse.ring.abi;
