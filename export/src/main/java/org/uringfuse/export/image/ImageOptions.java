package org.uringfuse.export.image;

/**
 * Image export settings.
 *
 * @param readOnly refuse writes (EROFS); also chosen automatically when the image is not writable
 * @param growable writes and allocations past the end grow the image; otherwise they fail with ENOSPC
 * @param directIo cache=none: the image is opened O_DIRECT and the kernel keeps no page cache of the
 *     exported file either; cache=writeback uses the host page cache
 * @param mode file mode bits to show (-1: the image's)
 * @param uid owner to show (-1: the image's)
 * @param gid group to show (-1: the image's)
 */
public record ImageOptions(boolean readOnly, boolean growable, boolean directIo, int mode, int uid, int gid) {
  public static ImageOptions defaults() {
    return new ImageOptions(false, false, false, -1, -1, -1);
  }

  public ImageOptions withReadOnly(boolean v) {
    return new ImageOptions(v, growable, directIo, mode, uid, gid);
  }

  public ImageOptions withGrowable(boolean v) {
    return new ImageOptions(readOnly, v, directIo, mode, uid, gid);
  }

  public ImageOptions withDirectIo(boolean v) {
    return new ImageOptions(readOnly, growable, v, mode, uid, gid);
  }

  public ImageOptions withMode(int v) {
    return new ImageOptions(readOnly, growable, directIo, v, uid, gid);
  }

  public ImageOptions withUid(int v) {
    return new ImageOptions(readOnly, growable, directIo, mode, v, gid);
  }

  public ImageOptions withGid(int v) {
    return new ImageOptions(readOnly, growable, directIo, mode, uid, v);
  }
}
