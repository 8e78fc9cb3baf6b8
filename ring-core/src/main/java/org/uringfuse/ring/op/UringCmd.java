package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/**
 * {@code IORING_OP_URING_CMD}: a driver command on {@code fd} (FUSE: REGISTER and COMMIT_AND_FETCH).
 * The ring must use {@code IORING_SETUP_SQE128} when the command needs the 80-byte {@code cmd[]} area.
 */
public final class UringCmd extends SqeOp<UringCmd> {

  /** Writes the driver-defined command bytes at {@code cmdOffset} of the SQE. */
  @FunctionalInterface
  public interface CmdWriter {
    void write(MemorySegment sqe, long cmdOffset);
  }

  private final int fd;
  private int cmdOp;
  private long addr;
  private int len;
  private CmdWriter cmd;

  private UringCmd(int fd, int cmdOp) {
    this.fd = fd;
    this.cmdOp = cmdOp;
  }

  public static UringCmd of(int fd, int cmdOp) {
    return new UringCmd(fd, cmdOp);
  }

  public UringCmd cmdOp(int op) {
    this.cmdOp = op;
    return this;
  }

  /** The driver-defined {@code addr}/{@code len} pair (FUSE REGISTER: an iovec array and 2). */
  public UringCmd addr(MemorySegment memory, int length) {
    this.addr = memory.address();
    this.len = length;
    return this;
  }

  public UringCmd noAddr() {
    this.addr = 0;
    this.len = 0;
    return this;
  }

  public UringCmd cmd(CmdWriter writer) {
    this.cmd = writer;
    return this;
  }

  @Override
  protected void fill(MemorySegment sqe) {
    Sqe.fd(sqe, fd);
    Sqe.cmdOp(sqe, cmdOp);     // __pad1 stays 0: the kernel rejects anything else
    Sqe.addr(sqe, addr);
    Sqe.len(sqe, len);
    if (cmd != null) {
      cmd.write(sqe, Sqe.CMD);
    }
  }

  @Override
  public Emulation emulation() {
    return new Emulation.Unsupported();
  }

  @Override
  public int opcode() {
    return IORING_OP_URING_CMD;
  }
}
