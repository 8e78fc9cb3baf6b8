/**
 * FUSE-specific downcalls (mount, umount2, ioctl on /dev/fuse, credentials). Results follow
 * ring-core's convention: {@code >= 0} value, {@code < 0} is {@code -errno}. No logic lives here.
 */
package org.uringfuse.fuse.sys;
