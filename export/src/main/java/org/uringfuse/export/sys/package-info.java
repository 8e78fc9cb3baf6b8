/**
 * Downcalls the exports need beyond ring-core's (the *at family, xattrs, getdents64, statvfs).
 * Results: {@code >= 0} value, {@code < 0} is {@code -errno}. No logic lives here.
 */
package org.uringfuse.export.sys;
