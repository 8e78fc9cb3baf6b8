package org.uringfuse.ring.loop;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.ring.abi.IoUringConstants.IORING_CQE_F_MORE;
import static org.uringfuse.ring.loop.LoopDriver.await;
import static org.uringfuse.ring.loop.LoopDriver.runUntil;
import static org.uringfuse.ring.loop.LoopDriver.submit;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.RingOptions;
import org.uringfuse.ring.op.Accept;
import org.uringfuse.ring.op.AsyncCancel;
import org.uringfuse.ring.op.Close;
import org.uringfuse.ring.op.Fallocate;
import org.uringfuse.ring.op.Fsync;
import org.uringfuse.ring.op.Nop;
import org.uringfuse.ring.op.OpenAt;
import org.uringfuse.ring.op.PollAdd;
import org.uringfuse.ring.op.PollRemove;
import org.uringfuse.ring.op.Read;
import org.uringfuse.ring.op.Recv;
import org.uringfuse.ring.op.Send;
import org.uringfuse.ring.op.Statx;
import org.uringfuse.ring.op.Timeout;
import org.uringfuse.ring.op.Write;
import org.uringfuse.ring.abi.KernelTimespec;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.ring.sys.SockaddrUn;

/**
 * Every builder against real files, pipes, eventfds and sockets, on both backends: the io_uring
 * loop submits them to the kernel; the epoll loop must give the same results.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpBuildersTest {
  static final int O_RDWR = 02;
  static final int O_CREAT = 0100;
  static final int O_DIRECTORY = 0200000;

  @TempDir
  Path dir;
  final Arena arena = Arena.ofShared();
  EventLoop loop;

  @AfterEach
  void tearDown() {
    if (loop != null) {
      loop.close();
    }
    arena.close();
  }

  MemorySegment str(String s) {
    return arena.allocateFrom(s);
  }

  MemorySegment bytes(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    MemorySegment m = arena.allocate(b.length, 8);
    MemorySegment.copy(b, 0, m, JAVA_BYTE, 0, b.length);
    return m;
  }

  static String text(MemorySegment m, int len) {
    byte[] b = new byte[len];
    MemorySegment.copy(m, JAVA_BYTE, 0, b, 0, len);
    return new String(b, StandardCharsets.UTF_8);
  }

  int open(String name) {
    int fd = await(loop, OpenAt.of(LibC.AT_FDCWD, str(dir.resolve(name).toString()), O_RDWR | O_CREAT, 0644));
    assertTrue(fd >= 0, "openat: " + Errno.describe(fd));
    return fd;
  }

  int dirFd() {
    int fd = await(loop, OpenAt.of(LibC.AT_FDCWD, str(dir.toString()), O_DIRECTORY, 0));
    assertTrue(fd >= 0, "openat dir: " + Errno.describe(fd));
    return fd;
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void nopCompletesWithZero(LoopOptions.Backend backend) {
    loop = LoopDriver.open(backend);
    assertEquals(0, await(loop, Nop.create()));
    assertEquals(LoopDriver.baselineOf(loop), loop.inFlight());
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void openWriteReadCloseFile(LoopOptions.Backend backend) throws IOException {
    loop = LoopDriver.open(backend);
    int fd = open("data");
    assertEquals(11, await(loop, Write.of(fd, bytes("hello world"), 0)));
    MemorySegment in = arena.allocate(64);
    assertEquals(5, await(loop, Read.of(fd, in.asSlice(0, 5), 6)));
    assertEquals("world", text(in, 5));
    assertEquals(0, await(loop, Close.of(fd)));
    assertEquals("hello world", Files.readString(dir.resolve("data")));
    assertEquals(-Errno.EBADF, await(loop, Read.of(fd, in, 0)));
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void fsyncFallocateStatx(LoopOptions.Backend backend) throws IOException {
    loop = LoopDriver.open(backend);
    int fd = open("sized");
    assertEquals(0, await(loop, Fallocate.of(fd, 0, 0, 1 << 20)));
    assertEquals(1 << 20, Files.size(dir.resolve("sized")));
    assertEquals(0, LibC.ftruncate(fd, 12345));
    assertEquals(0, await(loop, Fsync.of(fd)));
    assertEquals(0, await(loop, Fsync.of(fd).datasync()));
    MemorySegment stx = arena.allocate(256, 8);
    assertEquals(0, await(loop, Statx.of(fd, str(""), Statx.AT_EMPTY_PATH, Statx.STATX_BASIC_STATS, stx)));
    assertEquals(12345L, stx.get(JAVA_LONG, 40));   // stx_size
    assertEquals(1, stx.get(JAVA_INT, 16));         // stx_nlink
    assertEquals(0, await(loop, Fallocate.of(fd, Fallocate.FALLOC_FL_PUNCH_HOLE | Fallocate.FALLOC_FL_KEEP_SIZE, 0, 4096)));
    assertEquals(12345, Files.size(dir.resolve("sized")));
    LibC.close(fd);
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void pollAddSeesEventfdReadable(LoopOptions.Backend backend) {
    loop = LoopDriver.open(backend);
    int efd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
    LoopDriver.Result r = submit(loop, PollAdd.of(efd, PollAdd.POLLIN));
    loop.runOnce(false);
    assertFalse(r.done);
    writeEventfd(efd);
    runUntil(loop, () -> r.done);
    assertEquals(PollAdd.POLLIN, r.res & PollAdd.POLLIN);
    LibC.close(efd);
  }

  void writeEventfd(int efd) {
    MemorySegment one = arena.allocate(8, 8);
    one.set(JAVA_LONG, 0, 1);
    assertEquals(8, LibC.write(efd, one, 8));
  }

  void drainEventfd(int efd) {
    LibC.read(efd, arena.allocate(8, 8), 8);
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void multishotPollPostsOneCqePerEdge(LoopOptions.Backend backend) {
    loop = LoopDriver.open(backend);
    int efd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
    int[] seen = {0};
    boolean[] more = {true};
    long id = loop.addSqe(PollAdd.of(efd, PollAdd.POLLIN).multishot(), (res, flags) -> {
      if (res > 0) {
        seen[0]++;
        drainEventfd(efd);
      }
      more[0] = (flags & IORING_CQE_F_MORE) != 0;
    });
    for (int i = 1; i <= 3; i++) {
      writeEventfd(efd);
      int expect = i;
      runUntil(loop, () -> seen[0] >= expect);
      assertTrue(more[0], "multishot CQE must carry F_MORE");
    }
    assertEquals(3, seen[0]);
    int[] answer = {1};
    loop.cancel(id, a -> answer[0] = a);
    runUntil(loop, () -> !more[0]);
    assertEquals(0, answer[0]);
    LibC.close(efd);
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void pollRemoveCancelsPendingPoll(LoopOptions.Backend backend) {
    loop = LoopDriver.open(backend);
    int efd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
    LoopDriver.Result poll = submit(loop, PollAdd.of(efd, PollAdd.POLLIN));
    loop.runOnce(false);
    assertEquals(0, await(loop, PollRemove.of(poll.id)));
    runUntil(loop, () -> poll.done);
    assertEquals(-Errno.ECANCELED, poll.res);
    assertEquals(-Errno.ENOENT, await(loop, PollRemove.of(poll.id)));
    LibC.close(efd);
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void timeoutExpiresAndAsyncCancelCancelsIt(LoopOptions.Backend backend) {
    loop = LoopDriver.open(backend);
    MemorySegment ts = arena.allocate(KernelTimespec.LAYOUT);
    KernelTimespec.set(ts, 5_000_000L);
    long t0 = System.nanoTime();
    assertEquals(-Errno.ETIME, await(loop, Timeout.of(ts, 0)));
    assertTrue(System.nanoTime() - t0 >= 4_000_000L);
    KernelTimespec.set(ts, 60_000_000_000L);
    LoopDriver.Result t = submit(loop, Timeout.of(ts, 0));
    loop.runOnce(false);
    assertEquals(0, await(loop, AsyncCancel.byUserData(t.id)));
    runUntil(loop, () -> t.done);
    assertEquals(-Errno.ECANCELED, t.res);
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void asyncCancelByFdAndAny(LoopOptions.Backend backend) {
    loop = LoopDriver.open(backend);
    int a = LibC.eventfd(0, LibC.EFD_CLOEXEC);
    int b = LibC.eventfd(0, LibC.EFD_CLOEXEC);
    LoopDriver.Result pa1 = submit(loop, PollAdd.of(a, PollAdd.POLLIN));
    LoopDriver.Result pa2 = submit(loop, PollAdd.of(a, PollAdd.POLLIN));
    LoopDriver.Result pb = submit(loop, PollAdd.of(b, PollAdd.POLLIN));
    loop.runOnce(false);
    assertEquals(2, await(loop, AsyncCancel.byFd(a, true)));
    runUntil(loop, () -> pa1.done && pa2.done);
    assertEquals(-Errno.ECANCELED, pa1.res);
    assertFalse(pb.done);
    assertEquals(-Errno.ENOENT, await(loop, AsyncCancel.byUserData(pa1.id)));
    assertTrue(await(loop, AsyncCancel.any()) >= 1);
    runUntil(loop, () -> pb.done);
    assertEquals(-Errno.ECANCELED, pb.res);
    LibC.close(a);
    LibC.close(b);
  }

  @Test
  void fixedFilesAreNamedByIndex() {
    loop = LoopDriver.open(LoopOptions.Backend.IO_URING);
    int fd = open("fixed");
    int other = open("other");
    assertEquals(0, loop.registerFiles(other, fd));
    assertEquals(5, await(loop, Write.of(1, bytes("fixed"), 0).fixedFile()));
    MemorySegment in = arena.allocate(5);
    assertEquals(5, await(loop, Read.of(1, in, 0).fixedFile()));
    assertEquals("fixed", text(in, 5));
    assertEquals(0, await(loop, Read.of(0, in, 0).fixedFile()), "index 0 is the other, empty file");
    assertEquals(-Errno.EBUSY, loop.registerFiles(fd), "one table per loop");
    LibC.close(fd);
    LibC.close(other);
  }

  @Test
  void theEpollBackendHasNoFixedFiles() {
    loop = LoopDriver.open(LoopOptions.Backend.EPOLL);
    int fd = open("plain");
    assertEquals(-Errno.EOPNOTSUPP, loop.registerFiles(fd));
    LibC.close(fd);
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void linkedWriteThenReadRunInOrder(LoopOptions.Backend backend) {
    loop = LoopDriver.open(backend);
    int fd = open("chain");
    MemorySegment in = arena.allocate(5);
    LoopDriver.Result w = submit(loop, Write.of(fd, bytes("chain"), 0).link());
    LoopDriver.Result r = submit(loop, Read.of(fd, in, 0));
    runUntil(loop, () -> w.done && r.done);
    assertEquals(5, w.res);
    assertEquals(5, r.res);
    assertEquals("chain", text(in, 5));
    // A failed link cancels the rest of the chain.
    LoopDriver.Result bad = submit(loop, Write.of(-1, bytes("x"), 0).link());
    LoopDriver.Result after = submit(loop, Read.of(fd, in, 0));
    runUntil(loop, () -> bad.done && after.done);
    assertEquals(-Errno.EBADF, bad.res);
    assertEquals(-Errno.ECANCELED, after.res);
    LibC.close(fd);
  }

  /**
   * A short read breaks a link as an error does (what a FUSE reply linked behind its READ relies
   * on), also when the link head comes with only one free SQE left: the loop then submits what is
   * pending first, so the chain reaches the kernel whole instead of ending at the submission's end.
   */
  @Test
  void aShortReadBreaksTheLinkEvenAtTheLastFreeSqe() throws Exception {
    loop = LoopDriver.open(LoopOptions.Backend.IO_URING);
    Files.writeString(dir.resolve("short"), "abc");
    int fd = open("short");
    MemorySegment in = arena.allocate(8);
    LoopDriver.Result read = submit(loop, Read.of(fd, in, 0).link());
    LoopDriver.Result after = submit(loop, Nop.create());
    runUntil(loop, () -> read.done && after.done);
    assertEquals(3, read.res);
    assertEquals(-Errno.ECANCELED, after.res, "a short read cancels what is linked behind it");

    loop.runOnce(false);   // the SQ is empty now: fill all but one SQE
    List<LoopDriver.Result> fillers = new ArrayList<>();
    for (int i = 0; i < RingOptions.defaults().entries() - 1; i++) {
      fillers.add(submit(loop, Nop.create()));
    }
    LoopDriver.Result lastRead = submit(loop, Read.of(fd, in, 0).link());
    LoopDriver.Result lastAfter = submit(loop, Nop.create());
    runUntil(loop, () -> lastRead.done && lastAfter.done && fillers.stream().allMatch(f -> f.done));
    assertEquals(3, lastRead.res);
    assertEquals(-Errno.ECANCELED, lastAfter.res, "the chain was split between two submissions");
    LibC.close(fd);
  }

  @ParameterizedTest
  @EnumSource(names = {"IO_URING", "EPOLL"})
  void socketOpsOverUnixStream(LoopOptions.Backend backend) {
    loop = LoopDriver.open(backend);
    String path = dir.resolve("s.sock").toString();
    int listener = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    MemorySegment addr = SockaddrUn.of(arena, path);
    assertEquals(0, LibC.bind(listener, addr, (int) addr.byteSize()));
    assertEquals(0, LibC.listen(listener, 16));
    int[] accepted = {-1, -1};
    int[] acceptCount = {0};
    long acceptId = loop.addSqe(Accept.of(listener, LibC.SOCK_CLOEXEC).multishot(), (res, flags) -> {
      if (res >= 0) {
        accepted[acceptCount[0]++] = res;
      }
    });
    int c1 = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    int c2 = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    assertEquals(0, LibC.connect(c1, addr, (int) addr.byteSize()));
    assertEquals(0, LibC.connect(c2, addr, (int) addr.byteSize()));
    runUntil(loop, () -> acceptCount[0] == 2);
    assertEquals(4, await(loop, Send.of(c1, bytes("ping"), 0)));
    MemorySegment in = arena.allocate(16);
    assertEquals(4, await(loop, Recv.of(accepted[0], in, 0)));
    assertEquals("ping", text(in, 4));
    assertEquals(0, LibC.shutdown(c2, 1));   // SHUT_WR
    assertEquals(0, await(loop, Recv.of(accepted[1], in, 0)), "EOF after peer shutdown");
    int[] cancelAnswer = {1};
    loop.cancel(acceptId, a -> cancelAnswer[0] = a);
    runUntil(loop, () -> cancelAnswer[0] != 1);
    assertEquals(0, cancelAnswer[0]);
    for (int fd : new int[] {c1, c2, accepted[0], accepted[1], listener}) {
      LibC.close(fd);
    }
  }
}
