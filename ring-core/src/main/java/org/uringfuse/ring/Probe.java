package org.uringfuse.ring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.uringfuse.ring.abi.IoUringConstants.IORING_REGISTER_PROBE;
import static org.uringfuse.ring.abi.IoUringConstants.IO_URING_OP_SUPPORTED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.List;
import org.uringfuse.ring.abi.ProbeLayout;
import org.uringfuse.ring.sys.IoUringSyscalls;

/** The opcodes a kernel supports, from {@code IORING_REGISTER_PROBE}. Immutable. */
public final class Probe {
  private static final List<String> NAMES = List.of(
      "NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE",
      "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL",
      "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ",
      "WRITE", "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE",
      "PROVIDE_BUFFERS", "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT",
      "SYMLINKAT", "LINKAT", "MSG_RING", "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET",
      "URING_CMD", "SEND_ZC", "SENDMSG_ZC", "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE",
      "FUTEX_WAITV", "FIXED_FD_INSTALL", "FTRUNCATE");

  private final BitSet supported;
  private final int lastOp;

  private Probe(BitSet supported, int lastOp) {
    this.supported = supported;
    this.lastOp = lastOp;
  }

  static Probe of(int ringFd) {
    try (Arena arena = Arena.ofConfined()) {
      long bytes = ProbeLayout.HEADER_BYTES + ProbeLayout.OP_BYTES * ProbeLayout.MAX_OPS;
      MemorySegment p = arena.allocate(bytes, 8);
      int r = IoUringSyscalls.register(ringFd, IORING_REGISTER_PROBE, p, ProbeLayout.MAX_OPS);
      if (r < 0) {
        throw new IoUringException("IORING_REGISTER_PROBE", r);
      }
      int lastOp = p.get(JAVA_BYTE, ProbeLayout.LAST_OP) & 0xff;
      int opsLen = p.get(JAVA_BYTE, ProbeLayout.OPS_LEN) & 0xff;
      BitSet bits = new BitSet();
      for (int i = 0; i < opsLen; i++) {
        long base = ProbeLayout.HEADER_BYTES + i * ProbeLayout.OP_BYTES;
        int flags = p.get(JAVA_SHORT, base + ProbeLayout.OP_FLAGS);
        if ((flags & IO_URING_OP_SUPPORTED) != 0) {
          bits.set(p.get(JAVA_BYTE, base) & 0xff);
        }
      }
      return new Probe(bits, lastOp);
    }
  }

  public boolean supports(int opcode) {
    return supported.get(opcode);
  }

  /** Highest opcode number the kernel knows. */
  public int lastOp() {
    return lastOp;
  }

  /** The kernel's name for an opcode without the {@code IORING_OP_} prefix. */
  public static String opcodeName(int opcode) {
    return opcode >= 0 && opcode < NAMES.size() ? NAMES.get(opcode) : "OP_" + opcode;
  }

  /** Opcode number for a name such as {@code "URING_CMD"}, or -1. */
  public static int opcodeOf(String name) {
    return NAMES.indexOf(name);
  }
}
