/**
 * Unchanged jnr-fuse filesystems served by uringfuse: {@link org.uringfuse.jnr.UringFuse#mount}
 * replaces {@code FuseFS.mount}. This module has no module descriptor and runs on the class path:
 * the jnr-fuse 0.5.8 jar puts classes into jnr-ffi's {@code jnr.ffi} packages (a split package),
 * which the module system refuses.
 */
package org.uringfuse.jnr;
