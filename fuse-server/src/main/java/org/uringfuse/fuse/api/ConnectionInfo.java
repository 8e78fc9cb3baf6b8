package org.uringfuse.fuse.api;

/**
 * What INIT negotiated, handed to {@link Filesystem#init}. {@code flags} are the {@code FUSE_*} init
 * flags in force (64-bit, flags2 in the upper half).
 */
public record ConnectionInfo(int major, int minor, long kernelFlags, long flags, int maxWrite,
    int maxReadahead, int maxPages, int maxBackground, int congestionThreshold, int timeGranNanos,
    boolean overIoUring) {

  public boolean has(long flag) {
    return (flags & flag) != 0;
  }
}
