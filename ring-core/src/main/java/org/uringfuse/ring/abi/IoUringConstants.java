package org.uringfuse.ring.abi;

/**
 * io_uring constants as spelled in {@code include/uapi/linux/io_uring.h} (kernel 6.18).
 * Values are checked against the header; see {@code IoUringAbiTest} for the layout sizes.
 */
public final class IoUringConstants {
  private IoUringConstants() {}

  // Syscall numbers (unified table: x86_64 and aarch64).
  public static final int NR_io_uring_setup = 425;
  public static final int NR_io_uring_enter = 426;
  public static final int NR_io_uring_register = 427;

  // enum io_uring_op
  public static final int IORING_OP_NOP = 0;
  public static final int IORING_OP_READV = 1;
  public static final int IORING_OP_WRITEV = 2;
  public static final int IORING_OP_FSYNC = 3;
  public static final int IORING_OP_READ_FIXED = 4;
  public static final int IORING_OP_WRITE_FIXED = 5;
  public static final int IORING_OP_POLL_ADD = 6;
  public static final int IORING_OP_POLL_REMOVE = 7;
  public static final int IORING_OP_SYNC_FILE_RANGE = 8;
  public static final int IORING_OP_SENDMSG = 9;
  public static final int IORING_OP_RECVMSG = 10;
  public static final int IORING_OP_TIMEOUT = 11;
  public static final int IORING_OP_TIMEOUT_REMOVE = 12;
  public static final int IORING_OP_ACCEPT = 13;
  public static final int IORING_OP_ASYNC_CANCEL = 14;
  public static final int IORING_OP_LINK_TIMEOUT = 15;
  public static final int IORING_OP_CONNECT = 16;
  public static final int IORING_OP_FALLOCATE = 17;
  public static final int IORING_OP_OPENAT = 18;
  public static final int IORING_OP_CLOSE = 19;
  public static final int IORING_OP_FILES_UPDATE = 20;
  public static final int IORING_OP_STATX = 21;
  public static final int IORING_OP_READ = 22;
  public static final int IORING_OP_WRITE = 23;
  public static final int IORING_OP_FADVISE = 24;
  public static final int IORING_OP_MADVISE = 25;
  public static final int IORING_OP_SEND = 26;
  public static final int IORING_OP_RECV = 27;
  public static final int IORING_OP_OPENAT2 = 28;
  public static final int IORING_OP_EPOLL_CTL = 29;
  public static final int IORING_OP_SPLICE = 30;
  public static final int IORING_OP_PROVIDE_BUFFERS = 31;
  public static final int IORING_OP_REMOVE_BUFFERS = 32;
  public static final int IORING_OP_TEE = 33;
  public static final int IORING_OP_SHUTDOWN = 34;
  public static final int IORING_OP_RENAMEAT = 35;
  public static final int IORING_OP_UNLINKAT = 36;
  public static final int IORING_OP_MKDIRAT = 37;
  public static final int IORING_OP_SYMLINKAT = 38;
  public static final int IORING_OP_LINKAT = 39;
  public static final int IORING_OP_MSG_RING = 40;
  public static final int IORING_OP_FSETXATTR = 41;
  public static final int IORING_OP_SETXATTR = 42;
  public static final int IORING_OP_FGETXATTR = 43;
  public static final int IORING_OP_GETXATTR = 44;
  public static final int IORING_OP_SOCKET = 45;
  public static final int IORING_OP_URING_CMD = 46;
  public static final int IORING_OP_SEND_ZC = 47;
  public static final int IORING_OP_SENDMSG_ZC = 48;
  public static final int IORING_OP_READ_MULTISHOT = 49;
  public static final int IORING_OP_WAITID = 50;
  public static final int IORING_OP_FUTEX_WAIT = 51;
  public static final int IORING_OP_FUTEX_WAKE = 52;
  public static final int IORING_OP_FUTEX_WAITV = 53;
  public static final int IORING_OP_FIXED_FD_INSTALL = 54;
  public static final int IORING_OP_FTRUNCATE = 55;

  // sqe->flags (IOSQE_*)
  public static final int IOSQE_FIXED_FILE = 1 << 0;
  public static final int IOSQE_IO_DRAIN = 1 << 1;
  public static final int IOSQE_IO_LINK = 1 << 2;
  public static final int IOSQE_IO_HARDLINK = 1 << 3;
  public static final int IOSQE_ASYNC = 1 << 4;
  public static final int IOSQE_BUFFER_SELECT = 1 << 5;
  public static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

  // io_uring_setup flags
  public static final int IORING_SETUP_IOPOLL = 1 << 0;
  public static final int IORING_SETUP_SQPOLL = 1 << 1;
  public static final int IORING_SETUP_SQ_AFF = 1 << 2;
  public static final int IORING_SETUP_CQSIZE = 1 << 3;
  public static final int IORING_SETUP_CLAMP = 1 << 4;
  public static final int IORING_SETUP_ATTACH_WQ = 1 << 5;
  public static final int IORING_SETUP_R_DISABLED = 1 << 6;
  public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
  public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
  public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;
  public static final int IORING_SETUP_SQE128 = 1 << 10;
  public static final int IORING_SETUP_CQE32 = 1 << 11;
  public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
  public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;
  public static final int IORING_SETUP_NO_MMAP = 1 << 14;
  public static final int IORING_SETUP_REGISTERED_FD_ONLY = 1 << 15;
  public static final int IORING_SETUP_NO_SQARRAY = 1 << 16;

  // io_uring_params.features
  public static final int IORING_FEAT_SINGLE_MMAP = 1 << 0;
  public static final int IORING_FEAT_NODROP = 1 << 1;
  public static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2;
  public static final int IORING_FEAT_RW_CUR_POS = 1 << 3;
  public static final int IORING_FEAT_CUR_PERSONALITY = 1 << 4;
  public static final int IORING_FEAT_FAST_POLL = 1 << 5;
  public static final int IORING_FEAT_POLL_32BITS = 1 << 6;
  public static final int IORING_FEAT_SQPOLL_NONFIXED = 1 << 7;
  public static final int IORING_FEAT_EXT_ARG = 1 << 8;
  public static final int IORING_FEAT_NATIVE_WORKERS = 1 << 9;
  public static final int IORING_FEAT_NO_IOWAIT = 1 << 17;

  // sq_ring->flags (kernel-written)
  public static final int IORING_SQ_NEED_WAKEUP = 1 << 0;
  public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
  public static final int IORING_SQ_TASKRUN = 1 << 2;

  // io_uring_enter flags
  public static final int IORING_ENTER_GETEVENTS = 1 << 0;
  public static final int IORING_ENTER_SQ_WAKEUP = 1 << 1;
  public static final int IORING_ENTER_SQ_WAIT = 1 << 2;
  public static final int IORING_ENTER_EXT_ARG = 1 << 3;
  public static final int IORING_ENTER_REGISTERED_RING = 1 << 4;
  public static final int IORING_ENTER_NO_IOWAIT = 1 << 7;

  // cqe->flags
  public static final int IORING_CQE_F_BUFFER = 1 << 0;
  public static final int IORING_CQE_F_MORE = 1 << 1;
  public static final int IORING_CQE_F_SOCK_NONEMPTY = 1 << 2;
  public static final int IORING_CQE_F_NOTIF = 1 << 3;

  // mmap offsets
  public static final long IORING_OFF_SQ_RING = 0L;
  public static final long IORING_OFF_CQ_RING = 0x8000000L;
  public static final long IORING_OFF_SQES = 0x10000000L;

  // sqe->fsync_flags
  public static final int IORING_FSYNC_DATASYNC = 1 << 0;

  // sqe->timeout_flags
  public static final int IORING_TIMEOUT_ABS = 1 << 0;
  public static final int IORING_TIMEOUT_UPDATE = 1 << 1;
  public static final int IORING_TIMEOUT_BOOTTIME = 1 << 2;
  public static final int IORING_TIMEOUT_REALTIME = 1 << 3;
  public static final int IORING_LINK_TIMEOUT_UPDATE = 1 << 4;
  public static final int IORING_TIMEOUT_ETIME_SUCCESS = 1 << 5;
  public static final int IORING_TIMEOUT_MULTISHOT = 1 << 6;

  // POLL_ADD command flags (sqe->len)
  public static final int IORING_POLL_ADD_MULTI = 1 << 0;
  public static final int IORING_POLL_UPDATE_EVENTS = 1 << 1;
  public static final int IORING_POLL_UPDATE_USER_DATA = 1 << 2;
  public static final int IORING_POLL_ADD_LEVEL = 1 << 3;

  // ASYNC_CANCEL flags (sqe->cancel_flags)
  public static final int IORING_ASYNC_CANCEL_ALL = 1 << 0;
  public static final int IORING_ASYNC_CANCEL_FD = 1 << 1;
  public static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;
  public static final int IORING_ASYNC_CANCEL_FD_FIXED = 1 << 3;
  public static final int IORING_ASYNC_CANCEL_USERDATA = 1 << 4;
  public static final int IORING_ASYNC_CANCEL_OP = 1 << 5;

  // ACCEPT flags (sqe->ioprio)
  public static final int IORING_ACCEPT_MULTISHOT = 1 << 0;

  // RECV/SEND flags (sqe->ioprio)
  public static final int IORING_RECVSEND_POLL_FIRST = 1 << 0;
  public static final int IORING_RECV_MULTISHOT = 1 << 1;

  // uring_cmd_flags
  public static final int IORING_URING_CMD_FIXED = 1 << 0;

  // io_uring_register opcodes
  public static final int IORING_REGISTER_BUFFERS = 0;
  public static final int IORING_UNREGISTER_BUFFERS = 1;
  public static final int IORING_REGISTER_FILES = 2;
  public static final int IORING_UNREGISTER_FILES = 3;
  public static final int IORING_REGISTER_EVENTFD = 4;
  public static final int IORING_UNREGISTER_EVENTFD = 5;
  public static final int IORING_REGISTER_FILES_UPDATE = 6;
  public static final int IORING_REGISTER_PROBE = 8;
  public static final int IORING_REGISTER_ENABLE_RINGS = 12;
  public static final int IORING_REGISTER_RING_FDS = 20;
  public static final int IORING_UNREGISTER_RING_FDS = 21;

  /** {@code struct io_uring_rsrc_update}: {@code __u32 offset; __u32 resv; __aligned_u64 data;}. */
  public static final int RSRC_UPDATE_BYTES = 16;
  /** {@code offset} that asks IORING_REGISTER_RING_FDS to pick a free slot. */
  public static final int IORING_REGISTER_ANY_SLOT = -1;

  // io_uring_probe_op.flags
  public static final int IO_URING_OP_SUPPORTED = 1 << 0;
}
