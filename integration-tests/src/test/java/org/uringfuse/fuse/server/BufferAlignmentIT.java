package org.uringfuse.fuse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.testkit.MountFixture.run;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Replies.ReplyData;
import org.uringfuse.fuse.api.Replies.ReplyWrite;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.testkit.MountFixture;

/**
 * Both transports hand a filesystem page-aligned memory for data: WRITE payloads, and READ reply
 * bodies, so that O_DIRECT backing I/O needs no bounce buffer. Checked with O_DIRECT dd through a
 * real mount, recording every address the filesystem was given. And a call whose user buffer does
 * not start on a page boundary still arrives as one request.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BufferAlignmentIT {
  private static final int SIZE = 1 << 20;
  private static final int CHUNK = 128 * 1024;   // MountOptions.defaults().maxWrite()
  // include/uapi/asm-generic/fcntl.h
  private static final int O_RDWR = 02;
  private static final int O_DIRECT = 040000;
  private static final int O_CLOEXEC = 02000000;

  /** One writable regular file as the root (a file mountpoint); data is not kept. */
  static final class AddressRecordingFs implements Filesystem {
    final ConcurrentLinkedQueue<Long> misaligned = new ConcurrentLinkedQueue<>();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    final ConcurrentLinkedQueue<Integer> readSizes = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Integer> writeSizes = new ConcurrentLinkedQueue<>();

    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
      reply.ok(new Attr(FuseKernel.FUSE_ROOT_ID, SIZE, SIZE / 512, 0, 0, 0, 0, 0, 0, Attr.S_IFREG | 0644, 1,
          0, 0, 0, 4096), 0);
    }

    @Override
    public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
      reads.incrementAndGet();
      readSizes.add(size);
      record(reply.buffer());
      reply.buffer().asSlice(0, size).fill((byte) 'r');
      reply.ok(size);
    }

    @Override
    public void write(Request req, NodeId node, FileHandle fh, long offset, MemorySegment data, int writeFlags,
          ReplyWrite reply) {
      writes.incrementAndGet();
      writeSizes.add((int) data.byteSize());
      record(data);
      reply.ok(data.byteSize());
    }

    private void record(MemorySegment m) {
      if ((m.address() & 4095) != 0) {
        misaligned.add(m.address());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void directReadsAndWritesGetPageAlignedBuffers(TransportKind t) throws Exception {
    AddressRecordingFs fs = new AddressRecordingFs();
    try (MountFixture m = MountFixture.mount(fs, t, MountOptions.defaults(), true)) {
      String file = m.mnt.toString();
      run("dd", "if=/dev/zero", "of=" + file, "bs=4096", "count=16", "oflag=direct", "conv=notrunc");
      run("dd", "if=/dev/zero", "of=" + file, "bs=128k", "count=2", "oflag=direct", "conv=notrunc");
      run("dd", "if=" + file, "of=/dev/null", "bs=4096", "count=16", "iflag=direct");
      run("dd", "if=" + file, "of=/dev/null", "bs=128k", "count=2", "iflag=direct");
      assertTrue(fs.writes.get() >= 18, "writes seen: " + fs.writes.get());
      assertTrue(fs.reads.get() >= 18, "reads seen: " + fs.reads.get());
      assertEquals(0, fs.misaligned.size(), "buffers not page aligned: " + fs.misaligned);
      assertTrue(m.server.stats().requests(t == TransportKind.URING ? "uring" : "classic") >= 36);
    }
  }

  /**
   * An O_DIRECT write or read of max_write bytes from a user buffer that starts 1,552 bytes into a
   * page spans one page more than max_write; the kernel cuts requests at max_pages pinned pages, so
   * the server must offer max_pages = max_write / 4096 + 1 for the call to arrive whole. And a read
   * of max_pages whole pages must come back whole, on both transports' reply buffers.
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void anUnalignedUserBufferStillMakesOneRequest(TransportKind t) throws Exception {
    AddressRecordingFs fs = new AddressRecordingFs();
    try (MountFixture m = MountFixture.mount(fs, t, MountOptions.defaults(), true);
         Arena a = Arena.ofConfined()) {
      int fd = LibC.openat(LibC.AT_FDCWD, a.allocateFrom(m.mnt.toString()), O_RDWR | O_DIRECT | O_CLOEXEC, 0);
      assertTrue(fd >= 0, "open O_DIRECT: " + fd);
      try {
        MemorySegment pages = a.allocate(2L * CHUNK + 8192, 4096);
        MemorySegment unaligned = pages.asSlice(1552, CHUNK);
        fs.writeSizes.clear();
        assertEquals(CHUNK, LibC.pwrite(fd, unaligned, CHUNK, 0));
        assertEquals(List.of(CHUNK), List.copyOf(fs.writeSizes), "WRITE requests for one unaligned write");
        fs.readSizes.clear();
        assertEquals(CHUNK, LibC.pread(fd, unaligned, CHUNK, CHUNK));
        assertEquals(List.of(CHUNK), List.copyOf(fs.readSizes), "READ requests for one unaligned read");

        MemorySegment aligned = pages.asSlice(0, 2L * CHUNK);
        aligned.fill((byte) 0);
        fs.readSizes.clear();
        assertEquals(2L * CHUNK, LibC.pread(fd, aligned, 2L * CHUNK, 0));
        assertEquals(CHUNK + 4096, fs.readSizes.stream().mapToInt(Integer::intValue).max().orElse(0),
            "the largest READ asks for max_pages whole pages");
        for (long i = 0; i < aligned.byteSize(); i++) {
          if (aligned.get(ValueLayout.JAVA_BYTE, i) != 'r') {
            throw new AssertionError("byte " + i + " of a " + 2 * CHUNK + "-byte read was not filled");
          }
        }
      } finally {
        LibC.close(fd);
      }
      assertEquals(0, fs.misaligned.size(), "buffers not page aligned: " + fs.misaligned);
    }
  }
}
