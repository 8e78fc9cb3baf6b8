package org.uringfuse.ring.loop;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.ring.loop.LoopDriver.await;
import static org.uringfuse.ring.loop.LoopDriver.runUntil;
import static org.uringfuse.ring.loop.LoopDriver.submit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.RingOptions;
import org.uringfuse.ring.abi.KernelTimespec;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.op.LinkTimeout;
import org.uringfuse.ring.op.Nop;
import org.uringfuse.ring.op.OpenAt;
import org.uringfuse.ring.op.Read;
import org.uringfuse.ring.op.ReadFixed;
import org.uringfuse.ring.op.UringCmd;
import org.uringfuse.ring.op.Write;
import org.uringfuse.ring.op.WriteFixed;
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

  int openFile(String name) {
    int fd = await(loop, OpenAt.of(LibC.AT_FDCWD, arena.allocateFrom(dir.resolve(name).toString()),
        OpBuildersTest.O_RDWR | OpBuildersTest.O_CREAT, 0644));
    assertTrue(fd >= 0, Errno.describe(fd));
    return fd;
  }

  @Test
  void registeredBuffersAndFixedFiles() throws Exception {
    loop = open(LoopOptions.defaults());
    int fd = openFile("fixed");
    MemorySegment buf = arena.allocate(8192, 4096);
    loop.ring().registerBuffers(buf);
    loop.ring().registerFiles(fd);
    buf.asSlice(0, 5).fill((byte) 'z');
    assertEquals(5, await(loop, WriteFixed.of(0, buf.asSlice(0, 5), 0, 0).fixedFile()));
    assertEquals("zzzzz", Files.readString(dir.resolve("fixed")));
    assertEquals(5, await(loop, ReadFixed.of(fd, buf.asSlice(4096, 5), 0, 0)));
    assertEquals((byte) 'z', buf.get(JAVA_BYTE, 4100));
    assertEquals(3, await(loop, Write.of(0, buf.asSlice(0, 3), 5).fixedFile().async()));
    assertEquals(8, Files.size(dir.resolve("fixed")));
    loop.ring().unregisterFiles();
    loop.ring().unregisterBuffers();
    LibC.close(fd);
  }

  @Test
  void linkTimeoutCancelsABlockedPipeRead() {
    loop = open(LoopOptions.defaults());
    MemorySegment fds = arena.allocate(JAVA_INT, 2);
    assertEquals(0, LibC.pipe2(fds, 0x80000));
    int rd = fds.get(JAVA_INT, 0);
    MemorySegment ts = arena.allocate(KernelTimespec.LAYOUT);
    KernelTimespec.set(ts, 10_000_000L);
    LoopDriver.Result read = submit(loop, Read.of(rd, arena.allocate(16), -1).link());
    LoopDriver.Result timeout = submit(loop, LinkTimeout.of(ts));
    runUntil(loop, () -> read.done && timeout.done);
    assertEquals(-Errno.ECANCELED, read.res);
    assertEquals(-Errno.ETIME, timeout.res);
    LibC.close(rd);
    LibC.close(fds.get(JAVA_INT, 4));
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
