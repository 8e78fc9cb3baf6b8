package org.uringfuse.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.uringfuse.ring.abi.Cqe;
import org.uringfuse.ring.abi.IoUringParams;
import org.uringfuse.ring.abi.Iovec;
import org.uringfuse.ring.abi.KernelTimespec;
import org.uringfuse.ring.abi.ProbeLayout;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.EpollEvent;

/** Struct sizes and offsets against include/uapi/linux/io_uring.h. */
class AbiLayoutTest {

  @Test
  void sqeIs64BytesWithKernelOffsets() {
    assertEquals(64, Sqe.BYTES);
    assertEquals(128, Sqe.BYTES_128);
    assertEquals(0, Sqe.OPCODE);
    assertEquals(1, Sqe.FLAGS);
    assertEquals(2, Sqe.IOPRIO);
    assertEquals(4, Sqe.FD);
    assertEquals(8, Sqe.OFF);
    assertEquals(16, Sqe.ADDR);
    assertEquals(24, Sqe.LEN);
    assertEquals(28, Sqe.OP_FLAGS);
    assertEquals(32, Sqe.USER_DATA);
    assertEquals(40, Sqe.BUF_INDEX);
    assertEquals(42, Sqe.PERSONALITY);
    assertEquals(44, Sqe.FILE_INDEX);
    assertEquals(48, Sqe.CMD);
    assertEquals(80, Sqe.CMD_BYTES_SQE128);
  }

  @Test
  void cqeIs16Bytes() {
    assertEquals(16, Cqe.BYTES);
    assertEquals(32, Cqe.BYTES_32);
    assertEquals(8, Cqe.RES);
    assertEquals(12, Cqe.FLAGS);
  }

  @Test
  void paramsAre120BytesWithOffsetsAt40And80() {
    assertEquals(120, IoUringParams.BYTES);
    assertEquals(20, IoUringParams.FEATURES);
    assertEquals(40, IoUringParams.SQ_OFF_HEAD);
    assertEquals(64, IoUringParams.SQ_OFF_ARRAY);
    assertEquals(80, IoUringParams.CQ_OFF_HEAD);
    assertEquals(100, IoUringParams.CQ_OFF_CQES);
  }

  @Test
  void smallStructs() {
    assertEquals(16, ProbeLayout.HEADER_BYTES);
    assertEquals(8, ProbeLayout.OP_BYTES);
    assertEquals(16, KernelTimespec.BYTES);
    assertEquals(16, Iovec.BYTES);
    assertEquals(12, EpollEvent.BYTES);   // packed on x86_64
  }
}
