package org.uringfuse.fuse.server;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
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

  /**
   * The INIT reply, byte for byte, to a kernel of protocol 7.45 that offers every flag of the first
   * word and FUSE_OVER_IO_URING in the second, with readahead 128 KiB; no io_uring transport here.
   */
  @Test
  void initReplyIsExact() {
    Session s = new Session(new Filesystem() { }, MountOptions.defaults());
    RecordingSlot slot = new RecordingSlot();
    MemorySegment init = request(FuseKernel.FUSE_INIT, 2, 64);
    // fuse_init_in: major 7, minor 45, max_readahead 0x20000, flags 0xffffffff, flags2 bit 41-32
    MemorySegment.copy(HexFormat.of().parseHex("07000000" + "2d000000" + "00000200" + "ffffffff" + "00020000"),
        0, init, JAVA_BYTE, InHeader.BYTES, 20);
    s.onDeviceRequest(slot, init, InHeader.BYTES + 64, loop);
    assertEquals(List.of(2L, 0L, 64L), Arrays.stream(slot.sent.get(0)).boxed().toList());
    String expected = "07000000"   // major
        + "2a000000"               // minor: ours, 42
        + "00000200"               // max_readahead 128 KiB
        // ASYNC_READ ATOMIC_O_TRUNC BIG_WRITES AUTO_INVAL_DATA ASYNC_DIO PARALLEL_DIROPS MAX_PAGES
        // HANDLE_KILLPRIV_V2 SETXATTR_EXT INIT_EXT
        + "29904470"
        + "0004" + "0003"          // max_background 1024, congestion_threshold 768
        + "00000200"               // max_write 128 KiB
        + "01000000"               // time_gran
        + "2000" + "0000"          // max_pages 32, map_alignment
        + "00000000"               // flags2: nothing above bit 31 (no io_uring transport to offer)
        + "00".repeat(28);
    assertEquals(expected, HexFormat.of().formatHex(slot.body.asSlice(0, 64).toArray(JAVA_BYTE)));
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
