package org.uringfuse.fuse.api;

/** {@code statfs(2)} numbers ({@code struct fuse_kstatfs}). */
public record Statfs(long blocks, long blocksFree, long blocksAvailable, long files, long filesFree,
    int blockSize, int nameMax, int fragmentSize) {

  public static final Statfs EMPTY = new Statfs(0, 0, 0, 0, 0, 4096, 255, 4096);
}
