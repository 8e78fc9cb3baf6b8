package org.uringfuse.fuse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.testkit.MountFixture.run;

import java.lang.foreign.MemorySegment;
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
import org.uringfuse.testkit.MountFixture;

/**
 * Both transports hand a filesystem page-aligned memory for data: WRITE payloads, and READ reply
 * bodies, so that O_DIRECT backing I/O needs no bounce buffer. Checked with O_DIRECT dd through a
 * real mount, recording every address the filesystem was given.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BufferAlignmentIT {
  private static final int SIZE = 1 << 20;

  /** One writable regular file as the root (a file mountpoint); data is not kept. */
  static final class AddressRecordingFs implements Filesystem {
    final ConcurrentLinkedQueue<Long> misaligned = new ConcurrentLinkedQueue<>();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
      reply.ok(new Attr(FuseKernel.FUSE_ROOT_ID, SIZE, SIZE / 512, 0, 0, 0, 0, 0, 0, Attr.S_IFREG | 0644, 1,
          0, 0, 0, 4096), 0);
    }

    @Override
    public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
      reads.incrementAndGet();
      record(reply.buffer());
      reply.buffer().asSlice(0, size).fill((byte) 'r');
      reply.ok(size);
    }

    @Override
    public void write(Request req, NodeId node, FileHandle fh, long offset, MemorySegment data, int writeFlags,
          ReplyWrite reply) {
      writes.incrementAndGet();
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
}
