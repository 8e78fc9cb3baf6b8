package org.uringfuse.fuse.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.examples.MemoryFs;
import org.uringfuse.fuse.api.Entry;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.Replies.ReplyData;
import org.uringfuse.fuse.api.Replies.ReplyEntry;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.server.Opcode;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.ring.Errno;
import org.uringfuse.testkit.MountFixture;

/** INTERRUPT reaches a request that is still being served; FORGET brings lookup counts back to zero. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InterruptAndForgetIT {

  /**
   * MemoryFs whose OPEN of "slow" waits, without blocking its loop, until the caller is interrupted.
   * (OPEN, not READ: with ASYNC_READ and ASYNC_DIO negotiated, reads travel as background requests,
   * which the kernel never interrupts.)
   */
  static final class SlowReadFs implements org.uringfuse.fuse.api.Filesystem {
    final MemoryFs delegate = new MemoryFs();
    final AtomicBoolean sawInterrupt = new AtomicBoolean();
    volatile long slowNode = -1;

    @Override
    public void lookup(Request req, NodeId parent, String name, ReplyEntry reply) {
      delegate.lookup(req, parent, name, new ReplyEntry() {
        @Override
        public void ok(Entry entry) {
          if (name.equals("slow")) {
            slowNode = entry.nodeId().value();
          }
          reply.ok(entry);
        }

        @Override
        public void error(int errno) {
          reply.error(errno);
        }
      });
    }

    @Override
    public void open(Request req, NodeId node, int flags, org.uringfuse.fuse.api.Replies.ReplyOpen reply) {
      if (node.value() != slowNode) {
        delegate.open(req, node, flags, reply);
        return;
      }
      waitForInterrupt(req, reply, System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
    }

    @Override
    public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
      delegate.read(req, node, fh, offset, size, reply);
    }

    private void waitForInterrupt(Request req, org.uringfuse.fuse.api.Replies.ReplyOpen reply, long deadline) {
      if (req.isInterrupted()) {
        sawInterrupt.set(true);
        reply.error(Errno.EINTR);
      } else if (System.nanoTime() - deadline > 0) {
        reply.error(Errno.EIO);   // never hang: give up after the bound
      } else {
        req.io().schedule(5_000_000L, () -> waitForInterrupt(req, reply, deadline));
      }
    }

    // the rest is MemoryFs
    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh,
          org.uringfuse.fuse.api.Replies.ReplyAttr reply) {
      delegate.getattr(req, node, fh, reply);
    }

    @Override
    public void create(Request req, NodeId parent, String name, int mode, int umask, int flags,
          org.uringfuse.fuse.api.Replies.ReplyCreate reply) {
      delegate.create(req, parent, name, mode, umask, flags, reply);
    }

    @Override
    public void write(Request req, NodeId node, FileHandle fh, long offset, java.lang.foreign.MemorySegment data,
          int writeFlags, org.uringfuse.fuse.api.Replies.ReplyWrite reply) {
      delegate.write(req, node, fh, offset, data, writeFlags, reply);
    }

    @Override
    public void setattr(Request req, NodeId node, org.uringfuse.fuse.api.SetAttr changes,
          org.uringfuse.fuse.api.Replies.ReplyAttr reply) {
      delegate.setattr(req, node, changes, reply);
    }

    @Override
    public void forget(Request req, NodeId node, long lookupCount) {
      delegate.forget(req, node, lookupCount);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void interruptReachesTheRequestBeingServed(TransportKind t) throws Exception {
    SlowReadFs fs = new SlowReadFs();
    try (MountFixture m = MountFixture.mount(fs, t)) {
      Path slow = m.mnt.resolve("slow");
      Files.writeString(slow, "never read");
      fs.slowNode = (Long) Files.getAttribute(slow, "unix:ino");   // MemoryFs: inode number = node id
      // fails the test when the interrupted reader does not return
      MountFixture.runBounded(Duration.ofSeconds(30), "timeout", "-s", "INT", "1", "cat", slow.toString());
      await().atMost(Duration.ofSeconds(15)).untilTrue(fs.sawInterrupt);
      assertTrue(m.server.stats().requests(Opcode.INTERRUPT) > 0);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void forgetBringsLookupCountsToZero(TransportKind t) throws Exception {
    MemoryFs fs = new MemoryFs();
    try (MountFixture m = MountFixture.mount(fs, t)) {
      List<Long> nodes = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Path f = m.mnt.resolve("f" + i);
        Files.writeString(f, "x");
        nodes.add((Long) Files.getAttribute(f, "unix:ino"));
      }
      nodes.forEach(n -> assertTrue(fs.lookupCount(n) > 0));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
        return nodes.stream().allMatch(n -> fs.lookupCount(n) == 0);
      });
      assertTrue(m.server.stats().requests(Opcode.FORGET) + m.server.stats().requests(Opcode.BATCH_FORGET) > 0);
      assertEquals("x", Files.readString(m.mnt.resolve("f7")), "files stay reachable after their nodes were forgotten");
    }
  }
}
