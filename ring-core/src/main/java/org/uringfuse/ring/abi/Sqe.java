package org.uringfuse.ring.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct io_uring_sqe} (64 bytes; 128 with {@code IORING_SETUP_SQE128}, where bytes 48..127
 * are the {@code cmd[]} area of {@code IORING_OP_URING_CMD}). Union members share one offset; the
 * accessors are named after the member an opcode uses.
 */
public final class Sqe {
  private Sqe() {}

  public static final StructLayout LAYOUT = MemoryLayout.structLayout(
      JAVA_BYTE.withName("opcode"),
      JAVA_BYTE.withName("flags"),
      JAVA_SHORT.withName("ioprio"),
      JAVA_INT.withName("fd"),
      JAVA_LONG.withName("off"),          // off | addr2 | {cmd_op, __pad1}
      JAVA_LONG.withName("addr"),         // addr | splice_off_in
      JAVA_INT.withName("len"),
      JAVA_INT.withName("op_flags"),      // rw_flags | fsync_flags | poll32_events | timeout_flags | ...
      JAVA_LONG.withName("user_data"),
      JAVA_SHORT.withName("buf_index"),   // buf_index | buf_group
      JAVA_SHORT.withName("personality"),
      JAVA_INT.withName("file_index"),    // splice_fd_in | file_index | optlen
      JAVA_LONG.withName("addr3"),        // addr3 | optval | cmd[0..8)
      JAVA_LONG.withName("__pad2"));

  public static final long BYTES = LAYOUT.byteSize();
  public static final long BYTES_128 = 128;

  public static final long OPCODE = offset("opcode");
  public static final long FLAGS = offset("flags");
  public static final long IOPRIO = offset("ioprio");
  public static final long FD = offset("fd");
  public static final long OFF = offset("off");
  public static final long CMD_OP = OFF;
  public static final long PAD1 = OFF + 4;
  public static final long ADDR = offset("addr");
  public static final long LEN = offset("len");
  public static final long OP_FLAGS = offset("op_flags");
  public static final long USER_DATA = offset("user_data");
  public static final long BUF_INDEX = offset("buf_index");
  public static final long PERSONALITY = offset("personality");
  public static final long FILE_INDEX = offset("file_index");
  public static final long ADDR3 = offset("addr3");
  /** Start of the {@code cmd[]} area used by URING_CMD (80 bytes with SQE128). */
  public static final long CMD = ADDR3;
  public static final long CMD_BYTES_SQE128 = BYTES_128 - CMD;

  private static long offset(String name) {
    return LAYOUT.byteOffset(groupElement(name));
  }

  public static void opcode(MemorySegment sqe, int v) { sqe.set(JAVA_BYTE, OPCODE, (byte) v); }
  public static void flags(MemorySegment sqe, int v) { sqe.set(JAVA_BYTE, FLAGS, (byte) v); }
  public static int flags(MemorySegment sqe) { return sqe.get(JAVA_BYTE, FLAGS) & 0xff; }
  public static void ioprio(MemorySegment sqe, int v) { sqe.set(JAVA_SHORT, IOPRIO, (short) v); }
  public static void fd(MemorySegment sqe, int v) { sqe.set(JAVA_INT, FD, v); }
  public static void off(MemorySegment sqe, long v) { sqe.set(JAVA_LONG, OFF, v); }
  public static void addr2(MemorySegment sqe, long v) { sqe.set(JAVA_LONG, OFF, v); }
  public static void cmdOp(MemorySegment sqe, int v) { sqe.set(JAVA_INT, CMD_OP, v); }
  public static void addr(MemorySegment sqe, long v) { sqe.set(JAVA_LONG, ADDR, v); }
  public static void len(MemorySegment sqe, int v) { sqe.set(JAVA_INT, LEN, v); }
  public static void opFlags(MemorySegment sqe, int v) { sqe.set(JAVA_INT, OP_FLAGS, v); }
  public static void userData(MemorySegment sqe, long v) { sqe.set(JAVA_LONG, USER_DATA, v); }
  public static long userData(MemorySegment sqe) { return sqe.get(JAVA_LONG, USER_DATA); }
  public static void bufIndex(MemorySegment sqe, int v) { sqe.set(JAVA_SHORT, BUF_INDEX, (short) v); }
  public static void personality(MemorySegment sqe, int v) { sqe.set(JAVA_SHORT, PERSONALITY, (short) v); }
  public static void fileIndex(MemorySegment sqe, int v) { sqe.set(JAVA_INT, FILE_INDEX, v); }
  public static void addr3(MemorySegment sqe, long v) { sqe.set(JAVA_LONG, ADDR3, v); }

  public static int opcode(MemorySegment sqe) { return sqe.get(JAVA_BYTE, OPCODE) & 0xff; }
  public static int ioprio(MemorySegment sqe) { return sqe.get(JAVA_SHORT, IOPRIO) & 0xffff; }
  public static int fd(MemorySegment sqe) { return sqe.get(JAVA_INT, FD); }
  public static long off(MemorySegment sqe) { return sqe.get(JAVA_LONG, OFF); }
  public static int cmdOp(MemorySegment sqe) { return sqe.get(JAVA_INT, CMD_OP); }
  public static long addr(MemorySegment sqe) { return sqe.get(JAVA_LONG, ADDR); }
  public static int len(MemorySegment sqe) { return sqe.get(JAVA_INT, LEN); }
  public static int opFlags(MemorySegment sqe) { return sqe.get(JAVA_INT, OP_FLAGS); }
  public static int bufIndex(MemorySegment sqe) { return sqe.get(JAVA_SHORT, BUF_INDEX) & 0xffff; }
  public static int fileIndex(MemorySegment sqe) { return sqe.get(JAVA_INT, FILE_INDEX); }
  public static long addr3(MemorySegment sqe) { return sqe.get(JAVA_LONG, ADDR3); }
}
