package org.uringfuse.fuse.api;

import static org.uringfuse.fuse.abi.FuseKernel.*;

import java.util.Optional;

/**
 * What SETATTR asks to change: only the fields whose bit is in {@code valid} ({@code FATTR_*}).
 * Times: {@code atimeNow}/{@code mtimeNow} mean "set to the current time" (UTIME_NOW).
 */
public record SetAttr(int valid, FileHandle fh, long size, long atimeSec, int atimeNsec, long mtimeSec,
    int mtimeNsec, long ctimeSec, int ctimeNsec, int mode, int uid, int gid) {

  public boolean has(int fattr) {
    return (valid & fattr) != 0;
  }

  public boolean hasMode() {
    return has(FATTR_MODE);
  }

  public boolean hasUid() {
    return has(FATTR_UID);
  }

  public boolean hasGid() {
    return has(FATTR_GID);
  }

  public boolean hasSize() {
    return has(FATTR_SIZE);
  }

  public boolean hasAtime() {
    return has(FATTR_ATIME) || has(FATTR_ATIME_NOW);
  }

  public boolean hasMtime() {
    return has(FATTR_MTIME) || has(FATTR_MTIME_NOW);
  }

  public boolean atimeNow() {
    return has(FATTR_ATIME_NOW);
  }

  public boolean mtimeNow() {
    return has(FATTR_MTIME_NOW);
  }

  public boolean killSuidGid() {
    return has(FATTR_KILL_SUIDGID);
  }

  /** The open file handle the change comes through, if any (ftruncate, fchmod...). */
  public Optional<FileHandle> fileHandle() {
    return has(FATTR_FH) ? Optional.of(fh) : Optional.empty();
  }
}
