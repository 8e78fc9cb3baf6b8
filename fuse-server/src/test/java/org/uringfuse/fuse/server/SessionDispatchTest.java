package org.uringfuse.fuse.server;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.abi.FuseStructs.InHeader;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.transport.RequestSlot;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.loop.EventLoops;
import org.uringfuse.ring.loop.LoopOptions;

/** The session's safety nets through a recording slot: unknown opcodes, short requests, throwing filesystems. */
class SessionDispatchTest {
  final Arena arena = Arena.ofShared();
  final EventLoop loop = EventLoops.openHere(LoopOptions.defaults().withBackend(LoopOptions.Backend.EPOLL));

  @AfterEach
  void tearDown() {
    loop.close();
    arena.close();
  }

  /** Records what the session sends. */
  final class RecordingSlot implements RequestSlot {
    final MemorySegment body = arena.allocate(4096, 8);
    final List<long[]> sent = new ArrayList<>();
    int released;

    @Override
    public MemorySegment body() {
      return body;
    }

    @Override
    public void send(long unique, int negErrno, int bodyLength) {
      sent.add(new long[] {unique, negErrno, bodyLength});
    }

    @Override
    public void release() {
      released++;
    }

    @Override
    public String transportName() {
      return "classic";
    }
  }

  MemorySegment request(int opcode, long unique, int extraBytes) {
    int len = InHeader.BYTES + extraBytes;
    MemorySegment b = arena.allocate(len, 8);
    b.fill((byte) 0);
    b.set(JAVA_INT, InHeader.LEN, len);
    b.set(JAVA_INT, InHeader.OPCODE, opcode);
    b.set(JAVA_LONG, InHeader.UNIQUE, unique);
    b.set(JAVA_LONG, InHeader.NODEID, 1);
    return b;
  }

  @Test
  void unknownOpcodeGetsEnosys() {
    Session s = new Session(new Filesystem() { }, MountOptions.defaults());
    RecordingSlot slot = new RecordingSlot();
    s.onDeviceRequest(slot, request(FuseKernel.FUSE_GETLK, 10, 0), InHeader.BYTES, loop);
    assertEquals(1, slot.sent.size());
    assertEquals(-Errno.ENOSYS, slot.sent.get(0)[1]);
    assertEquals(10, slot.sent.get(0)[0]);
  }

  @Test
  void shortRequestGetsEioForThatRequestOnly() {
    Session s = new Session(new Filesystem() { }, MountOptions.defaults());
    RecordingSlot slot = new RecordingSlot();
    s.onDeviceRequest(slot, request(FuseKernel.FUSE_GETATTR, 12, 4), InHeader.BYTES + 4, loop);
    assertEquals(-Errno.EIO, slot.sent.get(0)[1]);
    // a forget that is too short is dropped without a reply
    s.onDeviceRequest(slot, request(FuseKernel.FUSE_FORGET, 14, 2), InHeader.BYTES + 2, loop);
    assertEquals(1, slot.sent.size());
    assertEquals(1, slot.released);
  }

  @Test
  void throwingFilesystemIsAnsweredEioAndDefaultsAreEnosys() {
    Filesystem fs = new Filesystem() {
      @Override
      public void getattr(Request req, long node, long fh, ReplyAttr reply) {
        throw new IllegalStateException("boom");
      }
    };
    Session s = new Session(fs, MountOptions.defaults());
    RecordingSlot slot = new RecordingSlot();
    s.onDeviceRequest(slot, request(FuseKernel.FUSE_GETATTR, 20, 16), InHeader.BYTES + 16, loop);
    assertEquals(-Errno.EIO, slot.sent.get(0)[1]);
    MemorySegment lookup = request(FuseKernel.FUSE_LOOKUP, 22, 4);
    lookup.set(JAVA_BYTE, InHeader.BYTES, (byte) 'x');
    s.onDeviceRequest(slot, lookup, InHeader.BYTES + 4, loop);
    assertEquals(-Errno.ENOSYS, slot.sent.get(1)[1]);
    assertEquals(0, s.unanswered());
    assertTrue(s.stats().perOpcode().containsKey("GETATTR"));
  }
}
