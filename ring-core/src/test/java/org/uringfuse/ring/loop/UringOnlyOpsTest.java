package org.uringfuse.ring.loop;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.ring.loop.LoopDriver.await;
import static org.uringfuse.ring.loop.LoopDriver.runUntil;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.RingOptions;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.op.Nop;
import org.uringfuse.ring.op.OpenAt;
import org.uringfuse.ring.op.UringCmd;
import org.uringfuse.ring.sys.LibC;

/** What only a real ring does: registered buffers and files, LINK_TIMEOUT, URING_CMD, SQ-full retry. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UringOnlyOpsTest {
  /** {@code enum io_uring_socket_op}: URING_CMD on a socket running getsockopt(2). */
  static final int SOCKET_URING_OP_GETSOCKOPT = 2;
  static final int SOL_SOCKET = 1;
  static final int SO_TYPE = 3;

  @TempDir
  Path dir;
  final Arena arena = Arena.ofShared();
  UringEventLoop loop;

  @AfterEach
  void tearDown() {
    if (loop != null) {
      loop.close();
    }
    arena.close();
  }

  UringEventLoop open(LoopOptions options) {
    org.uringfuse.testing.RequireUring.ioUring();
    return new UringEventLoop(options);
  }

  @Test
  void uringCmdGetsockoptOnASocket() {
    loop = open(LoopOptions.defaults());
    MemorySegment fds = arena.allocate(JAVA_INT, 2);
    assertEquals(0, LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, fds));
    MemorySegment optval = arena.allocate(JAVA_INT);
    // SOCKET_URING_OP_GETSOCKOPT: level/optname share the addr field, optlen @44, optval @48.
    UringCmd cmd = UringCmd.of(fds.get(JAVA_INT, 0), SOCKET_URING_OP_GETSOCKOPT).cmd((sqe, cmdOffset) -> {
      sqe.set(JAVA_INT, Sqe.ADDR, SOL_SOCKET);
      sqe.set(JAVA_INT, Sqe.ADDR + 4, SO_TYPE);
      sqe.set(JAVA_INT, Sqe.FILE_INDEX, 4);
      sqe.set(JAVA_LONG, cmdOffset, optval.address());
    });
    assertEquals(4, await(loop, cmd), "res is optlen");
    assertEquals(LibC.SOCK_STREAM, optval.get(JAVA_INT, 0));
    assertEquals(-Errno.EOPNOTSUPP, await(loop, UringCmd.of(fds.get(JAVA_INT, 0), 0x7fff)));
    LibC.close(fds.get(JAVA_INT, 0));
    LibC.close(fds.get(JAVA_INT, 4));
  }

  @Test
  void fullSqIsSubmittedAndRetried() {
    loop = open(LoopOptions.defaults().withRing(RingOptions.defaults().withEntries(8)));
    int[] done = {0};
    for (int i = 0; i < 1000; i++) {
      loop.addSqe(Nop.create(), (res, flags) -> done[0]++);
    }
    runUntil(loop, () -> done[0] == 1000);
    assertEquals(1, loop.inFlight());   // the wake-up read
  }
}
