package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/** {@code IORING_OP_NOP}: completes with res 0; measures the ring itself. */
public final class Nop extends SqeOp<Nop> {

  public static Nop create() {
    return new Nop();
  }

  @Override
  protected void fill(MemorySegment sqe) {
  }

  @Override
  public Emulation emulation() {
    return new Emulation.Immediate(0);
  }

  @Override
  public int opcode() {
    return IORING_OP_NOP;
  }
}
