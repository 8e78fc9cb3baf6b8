package org.uringfuse.fuse.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.OpenFlags;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Replies.ReplyData;
import org.uringfuse.fuse.api.Replies.ReplyOpen;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;

/**
 * Many clients at once on one loop: every read comes back with its own bytes, whichever way its
 * reply went. On the classic transport the replies deep in a round of /dev/fuse reads go as
 * IORING_OP_WRITEs on the loop's ring, and this load makes such rounds.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeepQueueIT {
  static final int BLOCK = 4096;
  static final int BLOCKS = 256;
  static final int CLIENTS = 16;

  /** Its root is a regular file of {@link #BLOCKS} blocks, opened direct_io; byte i is {@code (i / 4096 * 7 + i) & 0xff}. */
  static final class PatternFs implements Filesystem {
    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
      reply.ok(new Attr(FuseKernel.FUSE_ROOT_ID, (long) BLOCK * BLOCKS, BLOCKS * 8, 0, 0, 0, 0, 0, 0,
          Attr.S_IFREG | 0444, 1, 0, 0, 0, BLOCK), 0);
    }

    @Override
    public void open(Request req, NodeId node, int flags, ReplyOpen reply) {
      reply.ok(new FileHandle(1), OpenFlags.FOPEN_DIRECT_IO);
    }

    @Override
    public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
      long end = Math.min(offset + size, (long) BLOCK * BLOCKS);
      MemorySegment out = reply.buffer();
      for (long i = offset; i < end; i++) {
        out.set(ValueLayout.JAVA_BYTE, i - offset, pattern(i));
      }
      reply.ok((int) Math.max(0, end - offset));
    }
  }

  static byte pattern(long i) {
    return (byte) (i / BLOCK * 7 + i);
  }

  /** Each client reads its own blocks; returns the number of wrong bytes. */
  static int readAll(Path file, int client) throws IOException {
    int wrong = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(BLOCK);
      for (int b = client; b < BLOCKS; b += CLIENTS) {
        buf.clear();
        long offset = (long) b * BLOCK;
        int n = ch.read(buf, offset);
        assertEquals(BLOCK, n, "block " + b);
        for (int i = 0; i < BLOCK; i++) {
          if (buf.get(i) != pattern(offset + i)) {
            wrong++;
          }
        }
      }
    }
    return wrong;
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void everyClientGetsItsOwnBytes(TransportKind t) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try (MountFixture m = MountFixture.mount(new PatternFs(), t, MountOptions.defaults().withThreads(1), true)) {
      assertEquals(t == TransportKind.URING ? "uring" : "classic", m.server.transport());
      boolean classic = t == TransportKind.CLASSIC;
      // Rounds of all clients at once; on classic, until some replies went through the ring.
      int[] rounds = {0};
      await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ZERO).until(() -> {
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          results.add(clients.submit(() -> readAll(m.mnt, client)));
        }
        for (Future<Integer> r : results) {
          assertEquals(0, r.get(), "wrong bytes read");
        }
        rounds[0]++;
        return classic ? m.server.classicRingReplies() > 0 : rounds[0] == 3;
      });
      assertEquals(0, m.server.unansweredRequests());
      if (classic) {
        assertTrue(m.server.classicRingReplies() > 0);
      } else {
        assertEquals(0, m.server.classicRingReplies(), "uring requests are answered on their ring entries");
      }
    } finally {
      clients.shutdownNow();
      assertTrue(clients.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
