/**
 * Downcalls into libc (and the three io_uring syscalls through {@code syscall(2)}), with errno
 * captured. Every wrapper returns one shape: {@code >= 0} is the result, {@code < 0} is
 * {@code -errno} — the same convention as {@code cqe.res}. No logic lives here. Shared with
 * uringfuse's own modules only.
 */
package org.uringfuse.ring.sys;
