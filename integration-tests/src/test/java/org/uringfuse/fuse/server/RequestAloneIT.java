package org.uringfuse.fuse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Replies.ReplyStatfs;
import org.uringfuse.fuse.api.Replies.ReplyWrite;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.api.Statfs;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;

/**
 * {@code RequestIo.alone()}, on which the exports write a disk synchronously (no kernel worker hop)
 * when that delays nobody: true for a request the session serves by itself, false while another
 * request is unanswered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestAloneIT {

  /** Its root is a writable regular file; every WRITE records alone(); a STATFS waits for release(). */
  static final class ProbeFs implements Filesystem {
    final BlockingQueue<Boolean> writesAlone = new LinkedBlockingQueue<>();
    final CountDownLatch statfsHeld = new CountDownLatch(1);
    private volatile Runnable answerStatfs = () -> { };

    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
      reply.ok(new Attr(FuseKernel.FUSE_ROOT_ID, 0, 0, 0, 0, 0, 0, 0, 0, Attr.S_IFREG | 0666, 1, 0, 0, 0, 4096), 0);
    }

    @Override
    public void write(Request req, NodeId node, FileHandle fh, long offset, MemorySegment data, int writeFlags,
        ReplyWrite reply) {
      writesAlone.add(req.io().alone());
      reply.ok((int) data.byteSize());
    }

    @Override
    public void statfs(Request req, NodeId node, ReplyStatfs reply) {
      answerStatfs = () -> req.io().execute(() -> reply.ok(Statfs.EMPTY));
      statfsHeld.countDown();
    }

    void release() {
      answerStatfs.run();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void aloneOnlyWhileNoOtherRequestIsServed(TransportKind t) throws Exception {
    ProbeFs fs = new ProbeFs();
    ExecutorService client = Executors.newSingleThreadExecutor();
    try (MountFixture m = MountFixture.mount(fs, t, MountOptions.defaults(), true);
        FileChannel ch = FileChannel.open(m.mnt, StandardOpenOption.WRITE)) {
      try {
        ch.write(ByteBuffer.wrap(new byte[4096]), 0);
        assertEquals(Boolean.TRUE, fs.writesAlone.poll(10, TimeUnit.SECONDS), "a lone write");

        Future<Long> statfs = client.submit(() -> Files.getFileStore(m.mnt).getTotalSpace());
        assertTrue(fs.statfsHeld.await(10, TimeUnit.SECONDS), "the STATFS reached the filesystem");
        ch.write(ByteBuffer.wrap(new byte[4096]), 4096);
        assertEquals(Boolean.FALSE, fs.writesAlone.poll(10, TimeUnit.SECONDS), "a write beside an unanswered STATFS");
        fs.release();
        assertEquals(0L, statfs.get(10, TimeUnit.SECONDS));

        ch.write(ByteBuffer.wrap(new byte[4096]), 8192);
        assertEquals(Boolean.TRUE, fs.writesAlone.poll(10, TimeUnit.SECONDS), "alone again once it is answered");
      } finally {
        fs.release();
      }
    } finally {
      client.shutdownNow();
    }
  }
}
