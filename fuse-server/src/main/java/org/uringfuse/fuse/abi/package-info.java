/**
 * Mirror of {@code include/uapi/linux/fuse.h} (protocol 7.42): struct offsets and sizes, opcodes and
 * flags spelled as in the kernel. No logic lives here.
 */
package org.uringfuse.fuse.abi;
