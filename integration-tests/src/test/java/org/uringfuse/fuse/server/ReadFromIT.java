package org.uringfuse.fuse.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.BackingFile;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.OpenFlags;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Replies.ReplyData;
import org.uringfuse.fuse.api.Replies.ReplyOpen;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.testkit.MountFixture;

/**
 * {@code ReplyData.readFrom} on a file of the real disk (an io_uring READ on the request's loop):
 * whole reads, reads cut short by the end of the file, reads past it
 * and failed reads answer what a pread would, and the session counts the bytes really sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadFromIT {
  static final int SIZE = 3 * 4096 + 100;
  static final int O_CLOEXEC = 02000000;

  /** Its root is a regular file (direct I/O, so every read reaches it) served from {@code backing}. */
  static final class BackedFs implements Filesystem {
    final BackingFile backing;
    final long reportedSize;

    BackedFs(BackingFile backing, long reportedSize) {
      this.backing = backing;
      this.reportedSize = reportedSize;
    }

    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
      reply.ok(new Attr(FuseKernel.FUSE_ROOT_ID, reportedSize, 1, 0, 0, 0, 0, 0, 0, Attr.S_IFREG | 0444, 1,
          0, 0, 0, 4096), 0);
    }

    @Override
    public void open(Request req, NodeId node, int flags, ReplyOpen reply) {
      reply.ok(new FileHandle(1), OpenFlags.FOPEN_DIRECT_IO);
    }

    @Override
    public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
      reply.readFrom(backing, offset, size);
    }
  }

  /** open(2) read-only, close-on-exec; an fd the server reads through io_uring. */
  static int openReadOnly(Path p) {
    try (Arena a = Arena.ofConfined()) {
      int fd = LibC.openat(LibC.AT_FDCWD, a.allocateFrom(p.toString()), O_CLOEXEC, 0);
      assertTrue(fd >= 0, "open " + p + ": " + Errno.describe(fd));
      return fd;
    }
  }

  /** A file of the real disk holding {@code content}, open read-only; closed and deleted after the test. */
  record DiskFile(Path dir, Path data, int fd) implements AutoCloseable {
    static DiskFile of(byte[] content) throws IOException {
      Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "uringfuse-readfrom");
      Path data = dir.resolve("data");
      try {
        Files.write(data, content);
        return new DiskFile(dir, data, openReadOnly(data));
      } catch (IOException | RuntimeException | Error e) {
        Files.deleteIfExists(data);
        Files.delete(dir);
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      LibC.close(fd);
      Files.delete(data);
      Files.delete(dir);
    }
  }

  static byte[] content() {
    byte[] b = new byte[SIZE];
    new Random(7).nextBytes(b);
    return b;
  }

  static byte[] readAt(Path file, long offset, int length) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(length);
      int n = ch.read(buf, offset);
      return Arrays.copyOf(buf.array(), Math.max(n, 0));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void wholeShortAndPastTheEndReads(TransportKind t) throws Exception {
    byte[] content = content();
    try (DiskFile file = DiskFile.of(content);
        MountFixture m = MountFixture.mount(new BackedFs(new BackingFile(file.fd, false, false), SIZE + 8192), t,
            MountOptions.defaults(), true)) {
      long before = m.server.stats().bytesRead();
      assertArrayEquals(Arrays.copyOfRange(content, 4096, 8192), readAt(m.mnt, 4096, 4096), "a whole read");
      assertArrayEquals(Arrays.copyOfRange(content, 8192, SIZE), readAt(m.mnt, 8192, 8192),
          "a read the end of the file cuts short");
      assertArrayEquals(new byte[0], readAt(m.mnt, SIZE + 4096, 4096), "a read past the end");
      assertArrayEquals(Arrays.copyOfRange(content, 0, 4096), readAt(m.mnt, 0, 4096), "a whole read after them");
      // Over io_uring each whole read's reply went linked behind it, so the kernel may deliver it
      // before the loop has counted the read: the counts settle within a bound. The short read (its
      // buffer still held the bytes of the whole read before it) and the one past the end broke
      // their links and were answered again.
      boolean uring = t == TransportKind.URING;
      await().atMost(Duration.ofSeconds(5)).until(() -> m.server.unansweredRequests() == 0);
      assertEquals(4096 + (SIZE - 8192) + 0 + 4096, m.server.stats().bytesRead() - before,
          "bytes counted are bytes sent");
      assertEquals(uring ? 2 : 0, m.server.stats().linkedReplies(), "replies sent behind their read");
      assertEquals(uring ? 2 : 0, m.server.stats().brokenLinks(), "links broken by a short read");
    }
  }

  /**
   * A file read inline when alone: each read, the only request in flight, is a pread on the loop
   * (no ring READ, so no reply linked behind one), and answers what the ring read would.
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void loneReadsOfAFileReadInlineWhenAloneArePreads(TransportKind t) throws Exception {
    byte[] content = content();
    try (DiskFile file = DiskFile.of(content);
        MountFixture m = MountFixture.mount(new BackedFs(new BackingFile(file.fd, false, false, true), SIZE + 8192),
            t, MountOptions.defaults(), true);
        FileChannel ch = FileChannel.open(m.mnt, StandardOpenOption.READ)) {   // one open: only READs follow
      ByteBuffer whole = ByteBuffer.allocate(4096);
      assertEquals(4096, ch.read(whole, 4096));
      assertArrayEquals(Arrays.copyOfRange(content, 4096, 8192), whole.array(), "a whole read");
      ByteBuffer cut = ByteBuffer.allocate(8192);
      assertEquals(SIZE - 8192, ch.read(cut, 8192), "a read the end of the file cuts short");
      assertArrayEquals(Arrays.copyOfRange(content, 8192, SIZE), Arrays.copyOf(cut.array(), SIZE - 8192));
      assertEquals(-1, ch.read(ByteBuffer.allocate(4096), SIZE + 4096), "a read past the end");
      await().atMost(Duration.ofSeconds(5)).until(() -> m.server.unansweredRequests() == 0);
      assertEquals(4096 + (SIZE - 8192), m.server.stats().bytesRead(), "bytes counted are bytes sent");
      assertEquals(0, m.server.stats().linkedReplies(), "no ring READ with a reply linked behind it");
      assertEquals(0, m.server.stats().brokenLinks(), "no ring READ with a reply linked behind it");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void aFailedReadAnswersItsErrno(TransportKind t) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "uringfuse-readfrom");
    int fd = openReadOnly(dir);   // read(2) of a directory: EISDIR
    try (MountFixture m = MountFixture.mount(new BackedFs(new BackingFile(fd, false, false), SIZE), t,
        MountOptions.defaults(), true)) {
      IOException e = assertThrows(IOException.class, () -> readAt(m.mnt, 0, 4096));
      assertTrue(e.getMessage().contains("Is a directory"), e.getMessage());
      assertEquals(t == TransportKind.URING ? 1 : 0, m.server.stats().brokenLinks(), "the failed read broke its link");
      assertEquals(SIZE, Files.size(m.mnt), "the mount still answers");
    } finally {
      LibC.close(fd);
      Files.delete(dir);
    }
  }
}
