package org.uringfuse.fuse.abi;

/**
 * Byte offsets and sizes of the FUSE structs (protocol 7.42, native byte order). One nested class
 * per kernel struct, named without the {@code fuse_} prefix; sizes are checked by
 * {@code FuseStructsTest} against the kernel header.
 */
public final class FuseStructs {
  private FuseStructs() {}

  /** {@code struct fuse_in_header} (40). */
  public static final class InHeader {
    private InHeader() {}
    public static final int BYTES = 40;
    public static final int LEN = 0;
    public static final int OPCODE = 4;
    public static final int UNIQUE = 8;
    public static final int NODEID = 16;
    public static final int UID = 24;
    public static final int GID = 28;
    public static final int PID = 32;
    public static final int TOTAL_EXTLEN = 36;
  }

  /**
   * {@code struct fuse_ext_header} (8): one request extension, at the end of the request; the
   * header's {@code total_extlen} counts them in 8-byte units. {@code size} includes this header.
   */
  public static final class ExtHeader {
    private ExtHeader() {}
    public static final int BYTES = 8;
    public static final int SIZE = 0;
    public static final int TYPE = 4;
  }

  /** {@code struct fuse_supp_groups}: {@code nr_groups} then that many {@code uint32_t}. */
  public static final class SuppGroups {
    private SuppGroups() {}
    public static final int NR_GROUPS = 0;
    public static final int GROUPS = 4;
  }

  /** {@code struct fuse_out_header} (16). */
  public static final class OutHeader {
    private OutHeader() {}
    public static final int BYTES = 16;
    public static final int LEN = 0;
    public static final int ERROR = 4;
    public static final int UNIQUE = 8;
  }

  /** {@code struct fuse_init_in} (64; 16 before 7.36). */
  public static final class InitIn {
    private InitIn() {}
    public static final int BYTES = 64;
    public static final int COMPAT_BYTES = 16;
    public static final int MAJOR = 0;
    public static final int MINOR = 4;
    public static final int MAX_READAHEAD = 8;
    public static final int FLAGS = 12;
    public static final int FLAGS2 = 16;
  }

  /** {@code struct fuse_init_out} (64). */
  public static final class InitOut {
    private InitOut() {}
    public static final int BYTES = 64;
    public static final int MAJOR = 0;
    public static final int MINOR = 4;
    public static final int MAX_READAHEAD = 8;
    public static final int FLAGS = 12;
    public static final int MAX_BACKGROUND = 16;
    public static final int CONGESTION_THRESHOLD = 18;
    public static final int MAX_WRITE = 20;
    public static final int TIME_GRAN = 24;
    public static final int MAX_PAGES = 28;
    public static final int MAP_ALIGNMENT = 30;
    public static final int FLAGS2 = 32;
    public static final int MAX_STACK_DEPTH = 36;
    public static final int REQUEST_TIMEOUT = 40;
  }

  /** {@code struct fuse_attr} (88). */
  public static final class FuseAttr {
    private FuseAttr() {}
    public static final int BYTES = 88;
    public static final int INO = 0;
    public static final int SIZE = 8;
    public static final int BLOCKS = 16;
    public static final int ATIME = 24;
    public static final int MTIME = 32;
    public static final int CTIME = 40;
    public static final int ATIMENSEC = 48;
    public static final int MTIMENSEC = 52;
    public static final int CTIMENSEC = 56;
    public static final int MODE = 60;
    public static final int NLINK = 64;
    public static final int UID = 68;
    public static final int GID = 72;
    public static final int RDEV = 76;
    public static final int BLKSIZE = 80;
    public static final int FLAGS = 84;
  }

  /** {@code struct fuse_entry_out} (128). */
  public static final class EntryOut {
    private EntryOut() {}
    public static final int BYTES = 128;
    public static final int NODEID = 0;
    public static final int GENERATION = 8;
    public static final int ENTRY_VALID = 16;
    public static final int ATTR_VALID = 24;
    public static final int ENTRY_VALID_NSEC = 32;
    public static final int ATTR_VALID_NSEC = 36;
    public static final int ATTR = 40;
  }

  /** {@code struct fuse_attr_out} (104). */
  public static final class AttrOut {
    private AttrOut() {}
    public static final int BYTES = 104;
    public static final int ATTR_VALID = 0;
    public static final int ATTR_VALID_NSEC = 8;
    public static final int ATTR = 16;
  }

  /** {@code struct fuse_getattr_in} (16). */
  public static final class GetattrIn {
    private GetattrIn() {}
    public static final int BYTES = 16;
    public static final int GETATTR_FLAGS = 0;
    public static final int FH = 8;
  }

  /** {@code struct fuse_setattr_in} (88). */
  public static final class SetattrIn {
    private SetattrIn() {}
    public static final int BYTES = 88;
    public static final int VALID = 0;
    public static final int FH = 8;
    public static final int SIZE = 16;
    public static final int LOCK_OWNER = 24;
    public static final int ATIME = 32;
    public static final int MTIME = 40;
    public static final int CTIME = 48;
    public static final int ATIMENSEC = 56;
    public static final int MTIMENSEC = 60;
    public static final int CTIMENSEC = 64;
    public static final int MODE = 68;
    public static final int UID = 76;
    public static final int GID = 80;
  }

  /** {@code struct fuse_forget_in} (8), {@code fuse_batch_forget_in} (8), {@code fuse_forget_one} (16). */
  public static final class Forget {
    private Forget() {}
    public static final int IN_BYTES = 8;
    public static final int BATCH_IN_BYTES = 8;
    public static final int ONE_BYTES = 16;
  }

  /** {@code struct fuse_mknod_in} (16). */
  public static final class MknodIn {
    private MknodIn() {}
    public static final int BYTES = 16;
    public static final int MODE = 0;
    public static final int RDEV = 4;
    public static final int UMASK = 8;
  }

  /** {@code struct fuse_mkdir_in} (8). */
  public static final class MkdirIn {
    private MkdirIn() {}
    public static final int BYTES = 8;
    public static final int MODE = 0;
    public static final int UMASK = 4;
  }

  /** {@code struct fuse_rename_in} (8) and {@code fuse_rename2_in} (16). */
  public static final class RenameIn {
    private RenameIn() {}
    public static final int BYTES = 8;
    public static final int RENAME2_BYTES = 16;
    public static final int NEWDIR = 0;
    public static final int FLAGS = 8;
  }

  /** {@code struct fuse_link_in} (8). */
  public static final class LinkIn {
    private LinkIn() {}
    public static final int BYTES = 8;
    public static final int OLDNODEID = 0;
  }

  /** {@code struct fuse_open_in} (8). */
  public static final class OpenIn {
    private OpenIn() {}
    public static final int BYTES = 8;
    public static final int FLAGS = 0;
    public static final int OPEN_FLAGS = 4;
  }

  /** {@code struct fuse_create_in} (16). */
  public static final class CreateIn {
    private CreateIn() {}
    public static final int BYTES = 16;
    public static final int FLAGS = 0;
    public static final int MODE = 4;
    public static final int UMASK = 8;
    public static final int OPEN_FLAGS = 12;
  }

  /** {@code struct fuse_open_out} (16). */
  public static final class OpenOut {
    private OpenOut() {}
    public static final int BYTES = 16;
    public static final int FH = 0;
    public static final int OPEN_FLAGS = 8;
    public static final int BACKING_ID = 12;
  }

  /** {@code struct fuse_release_in} (24). */
  public static final class ReleaseIn {
    private ReleaseIn() {}
    public static final int BYTES = 24;
    public static final int FH = 0;
    public static final int FLAGS = 8;
    public static final int RELEASE_FLAGS = 12;
    public static final int LOCK_OWNER = 16;
  }

  /** {@code struct fuse_flush_in} (24). */
  public static final class FlushIn {
    private FlushIn() {}
    public static final int BYTES = 24;
    public static final int FH = 0;
    public static final int LOCK_OWNER = 16;
  }

  /** {@code struct fuse_read_in} and {@code fuse_write_in} (40, same layout). */
  public static final class ReadWriteIn {
    private ReadWriteIn() {}
    public static final int BYTES = 40;
    public static final int FH = 0;
    public static final int OFFSET = 8;
    public static final int SIZE = 16;
    public static final int READ_WRITE_FLAGS = 20;
    public static final int LOCK_OWNER = 24;
    public static final int FLAGS = 32;
  }

  /** {@code struct fuse_write_out} (8). */
  public static final class WriteOut {
    private WriteOut() {}
    public static final int BYTES = 8;
    public static final int SIZE = 0;
  }

  /** {@code struct fuse_kstatfs} / {@code fuse_statfs_out} (80). */
  public static final class Kstatfs {
    private Kstatfs() {}
    public static final int BYTES = 80;
    public static final int BLOCKS = 0;
    public static final int BFREE = 8;
    public static final int BAVAIL = 16;
    public static final int FILES = 24;
    public static final int FFREE = 32;
    public static final int BSIZE = 40;
    public static final int NAMELEN = 44;
    public static final int FRSIZE = 48;
  }

  /** {@code struct fuse_fsync_in} (16). */
  public static final class FsyncIn {
    private FsyncIn() {}
    public static final int BYTES = 16;
    public static final int FH = 0;
    public static final int FSYNC_FLAGS = 8;
  }

  /** {@code struct fuse_setxattr_in}: 16 with SETXATTR_EXT, 8 without. */
  public static final class SetxattrIn {
    private SetxattrIn() {}
    public static final int BYTES = 16;
    public static final int COMPAT_BYTES = 8;
    public static final int SIZE = 0;
    public static final int FLAGS = 4;
    public static final int SETXATTR_FLAGS = 8;
  }

  /** {@code struct fuse_getxattr_in} / {@code fuse_getxattr_out} (8). */
  public static final class Getxattr {
    private Getxattr() {}
    public static final int BYTES = 8;
    public static final int SIZE = 0;
  }

  /** {@code struct fuse_access_in} (8). */
  public static final class AccessIn {
    private AccessIn() {}
    public static final int BYTES = 8;
    public static final int MASK = 0;
  }

  /** {@code struct fuse_interrupt_in} (8). */
  public static final class InterruptIn {
    private InterruptIn() {}
    public static final int BYTES = 8;
    public static final int UNIQUE = 0;
  }

  /** {@code struct fuse_fallocate_in} (32). */
  public static final class FallocateIn {
    private FallocateIn() {}
    public static final int BYTES = 32;
    public static final int FH = 0;
    public static final int OFFSET = 8;
    public static final int LENGTH = 16;
    public static final int MODE = 24;
  }

  /** {@code struct fuse_lseek_in} (24) and {@code fuse_lseek_out} (8). */
  public static final class Lseek {
    private Lseek() {}
    public static final int IN_BYTES = 24;
    public static final int OUT_BYTES = 8;
    public static final int FH = 0;
    public static final int OFFSET = 8;
    public static final int WHENCE = 16;
  }

  /** {@code struct fuse_copy_file_range_in} (56). */
  public static final class CopyFileRangeIn {
    private CopyFileRangeIn() {}
    public static final int BYTES = 56;
    public static final int FH_IN = 0;
    public static final int OFF_IN = 8;
    public static final int NODEID_OUT = 16;
    public static final int FH_OUT = 24;
    public static final int OFF_OUT = 32;
    public static final int LEN = 40;
    public static final int FLAGS = 48;
  }

  /** {@code struct fuse_statx_in} (24). */
  public static final class StatxIn {
    private StatxIn() {}
    public static final int BYTES = 24;
    public static final int GETATTR_FLAGS = 0;
    public static final int FH = 8;
    public static final int SX_FLAGS = 16;
    public static final int SX_MASK = 20;
  }

  /** {@code struct fuse_statx_out} (32 + 256-byte {@code fuse_statx}). */
  public static final class StatxOut {
    private StatxOut() {}
    public static final int BYTES = 288;
    public static final int ATTR_VALID = 0;
    public static final int ATTR_VALID_NSEC = 8;
    public static final int FLAGS = 12;
    public static final int STAT = 32;
    // fuse_statx, relative to STAT
    public static final int SX_MASK = 0;
    public static final int SX_BLKSIZE = 4;
    public static final int SX_ATTRIBUTES = 8;
    public static final int SX_NLINK = 16;
    public static final int SX_UID = 20;
    public static final int SX_GID = 24;
    public static final int SX_MODE = 28;
    public static final int SX_INO = 32;
    public static final int SX_SIZE = 40;
    public static final int SX_BLOCKS = 48;
    public static final int SX_ATTRIBUTES_MASK = 56;
    public static final int SX_ATIME = 64;
    public static final int SX_BTIME = 80;
    public static final int SX_CTIME = 96;
    public static final int SX_MTIME = 112;
    public static final int SX_RDEV_MAJOR = 128;
    public static final int SX_RDEV_MINOR = 132;
    public static final int SX_DEV_MAJOR = 136;
    public static final int SX_DEV_MINOR = 140;
  }

  /** {@code struct fuse_dirent} (24 + name, 8-aligned) and {@code fuse_direntplus} (entry_out + dirent). */
  public static final class Dirent {
    private Dirent() {}
    public static final int NAME_OFFSET = 24;
    public static final int INO = 0;
    public static final int OFF = 8;
    public static final int NAMELEN = 16;
    public static final int TYPE = 20;
    public static final int PLUS_NAME_OFFSET = EntryOut.BYTES + NAME_OFFSET;

    public static int align(int n) {
      return (n + 7) & ~7;
    }

    public static int size(int nameLen) {
      return align(NAME_OFFSET + nameLen);
    }

    public static int plusSize(int nameLen) {
      return align(PLUS_NAME_OFFSET + nameLen);
    }
  }

  /** {@code struct fuse_uring_req_header} (288): the header buffer of a ring entry. */
  public static final class UringReqHeader {
    private UringReqHeader() {}
    public static final int BYTES = 288;
    public static final int IN_OUT = 0;
    public static final int IN_OUT_BYTES = 128;
    public static final int OP_IN = 128;
    public static final int OP_IN_BYTES = 128;
    public static final int ENT_FLAGS = 256;
    public static final int COMMIT_ID = 264;
    public static final int PAYLOAD_SZ = 272;
  }

  /** {@code struct fuse_uring_cmd_req} (24): written into the SQE's cmd[] area. */
  public static final class UringCmdReq {
    private UringCmdReq() {}
    public static final int BYTES = 24;
    public static final int FLAGS = 0;
    public static final int COMMIT_ID = 8;
    public static final int QID = 16;
  }
}
