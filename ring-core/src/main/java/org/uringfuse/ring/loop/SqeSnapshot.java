package org.uringfuse.ring.loop;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/**
 * The fields of one prepared SQE, copied out of the scratch entry the epoll backend lets builders
 * fill. Immutable; safe to hand to a worker thread.
 */
record SqeSnapshot(int opcode, int flags, int ioprio, int fd, long off, long addr, int len,
    int opFlags, int bufIndex, int fileIndex, long addr3) {

  static SqeSnapshot of(MemorySegment sqe) {
    return new SqeSnapshot(Sqe.opcode(sqe), Sqe.flags(sqe), Sqe.ioprio(sqe), Sqe.fd(sqe), Sqe.off(sqe),
        Sqe.addr(sqe), Sqe.len(sqe), Sqe.opFlags(sqe), Sqe.bufIndex(sqe), Sqe.fileIndex(sqe),
        Sqe.addr3(sqe));
  }

  /** A pointer operand as a segment to pass to a downcall. */
  static MemorySegment ptr(long address) {
    return MemorySegment.ofAddress(address);
  }
}
