package org.uringfuse.jnr;

import org.uringfuse.fuse.api.Attr;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * {@code struct stat} as a jnr-fuse filesystem filled it, to the attributes the kernel gets,
 * adjusted as libfuse 2 does: the node id as inode number unless {@code use_ino},
 * and the {@code umask}/{@code uid}/{@code gid} overrides.
 */
final class Attrs {
  private Attrs() {}

  /** @param hidden an unlinked file still open: shown with one link less, as libfuse does */
  static Attr of(FileStat st, long nodeId, BridgeOptions o, boolean hidden) {
    int mode = st.st_mode.intValue();
    if (o.umask() != -1) {
      mode = (mode & Attr.S_IFMT) | (0777 & ~o.umask());
    }
    int uid = o.uid() != -1 ? o.uid() : st.st_uid.intValue();
    int gid = o.gid() != -1 ? o.gid() : st.st_gid.intValue();
    long ino = o.useIno() ? st.st_ino.longValue() : nodeId;
    return new Attr(ino, st.st_size.longValue(), st.st_blocks.longValue(),
        st.st_atim.tv_sec.longValue(), (int) st.st_atim.tv_nsec.longValue(),
        st.st_mtim.tv_sec.longValue(), (int) st.st_mtim.tv_nsec.longValue(),
        st.st_ctim.tv_sec.longValue(), (int) st.st_ctim.tv_nsec.longValue(),
        mode, hidden ? Math.max(0, st.st_nlink.intValue() - 1) : st.st_nlink.intValue(), uid, gid, st.st_rdev.intValue(), st.st_blksize.intValue());
  }
}
