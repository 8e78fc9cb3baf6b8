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
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.abi.FuseStructs;
import org.uringfuse.fuse.abi.FuseStructs.InHeader;
import org.uringfuse.fuse.abi.FuseStructs.ReadWriteIn;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.BackingFile;
import org.uringfuse.fuse.api.Entry;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Replies.ReplyCreate;
import org.uringfuse.fuse.api.Replies.ReplyData;
import org.uringfuse.fuse.api.Replies.ReplyDirectory;
import org.uringfuse.fuse.api.Replies.ReplyDirectoryPlus;
import org.uringfuse.fuse.api.Replies.ReplyEmpty;
import org.uringfuse.fuse.api.Replies.ReplyEntry;
import org.uringfuse.fuse.api.Replies.ReplyLseek;
import org.uringfuse.fuse.api.Replies.ReplyStatx;
import org.uringfuse.fuse.api.Replies.ReplyWrite;
import org.uringfuse.fuse.api.Replies.ReplyXattr;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.api.SetAttr;
import org.uringfuse.fuse.proto.MalformedRequestException;
import org.uringfuse.fuse.proto.RequestView;
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

  /** Holds one /dev/fuse-shaped request at a time and records what the session sends. */
  final class RecordingSlot extends RequestSlot {
    final MemorySegment body = arena.allocate(4096, 8);
    final List<long[]> sent = new ArrayList<>();
    int released;
    MemorySegment request;
    int length;

    /** Hands {@code length} bytes of {@code req} to {@code s} through this slot. */
    void deliver(Session s, MemorySegment req, int length) {
      this.request = req;
      this.length = length;
      s.slotCreated(this);
      s.onRequest(this, loop);
    }

    @Override
    public MemorySegment header() {
      return request;
    }

    @Override
    public RequestView parse(int fixedIn, int nameCount) throws MalformedRequestException {
      return RequestView.parseDevice(request, length, fixedIn, nameCount);
    }

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
    slot.deliver(s, init, InHeader.BYTES + 64);
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
        + "2100" + "0000"          // max_pages 33 (one above max_write's 32), map_alignment
        + "00000000"               // flags2: nothing above bit 31 (no io_uring transport to offer)
        + "00".repeat(28);
    assertEquals(expected, HexFormat.of().formatHex(slot.body.asSlice(0, 64).toArray(JAVA_BYTE)));
  }

  @Test
  void unknownOpcodeGetsEnosys() {
    Session s = new Session(new Filesystem() { }, MountOptions.defaults());
    RecordingSlot slot = new RecordingSlot();
    slot.deliver(s, request(FuseKernel.FUSE_GETLK, 10, 0), InHeader.BYTES);
    assertEquals(1, slot.sent.size());
    assertEquals(-Errno.ENOSYS, slot.sent.get(0)[1]);
    assertEquals(10, slot.sent.get(0)[0]);
  }

  @Test
  void shortRequestGetsEioForThatRequestOnly() {
    Session s = new Session(new Filesystem() { }, MountOptions.defaults());
    RecordingSlot slot = new RecordingSlot();
    slot.deliver(s, request(FuseKernel.FUSE_GETATTR, 12, 4), InHeader.BYTES + 4);
    assertEquals(-Errno.EIO, slot.sent.get(0)[1]);
    // a forget that is too short is dropped without a reply
    slot.deliver(s, request(FuseKernel.FUSE_FORGET, 14, 2), InHeader.BYTES + 2);
    assertEquals(1, slot.sent.size());
    assertEquals(1, slot.released);
  }

  /**
   * readFrom claims the answer before it reads, so the session's safety net cannot answer for it:
   * a readFrom that fails before its read is under way (here a size the buffer cannot slice)
   * answers EIO itself, once.
   */
  @Test
  void aReadFromThatFailsBeforeReadingIsAnsweredEio() {
    Filesystem fs = new Filesystem() {
      @Override
      public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
        reply.readFrom(new BackingFile(0, false, false), offset, -1);
      }
    };
    Session s = new Session(fs, MountOptions.defaults());
    RecordingSlot slot = new RecordingSlot();
    slot.deliver(s, request(FuseKernel.FUSE_READ, 30, ReadWriteIn.BYTES), InHeader.BYTES + ReadWriteIn.BYTES);
    assertEquals(1, slot.sent.size(), "answered once");
    assertEquals(-Errno.EIO, slot.sent.get(0)[1]);
    assertEquals(30, slot.sent.get(0)[0]);
    assertEquals(0, s.unanswered());
  }

  @Test
  void throwingFilesystemIsAnsweredEioAndDefaultsAreEnosys() {
    Filesystem fs = new Filesystem() {
      @Override
      public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
        throw new IllegalStateException("boom");
      }
    };
    Session s = new Session(fs, MountOptions.defaults());
    RecordingSlot slot = new RecordingSlot();
    slot.deliver(s, request(FuseKernel.FUSE_GETATTR, 20, 16), InHeader.BYTES + 16);
    assertEquals(-Errno.EIO, slot.sent.get(0)[1]);
    MemorySegment lookup = request(FuseKernel.FUSE_LOOKUP, 22, 4);
    lookup.set(JAVA_BYTE, InHeader.BYTES, (byte) 'x');
    slot.deliver(s, lookup, InHeader.BYTES + 4);
    assertEquals(-Errno.ENOSYS, slot.sent.get(1)[1]);
    assertEquals(0, s.unanswered());
    assertTrue(s.stats().perOpcode().containsKey("GETATTR"));
  }

  /** Answers every request with its own reply shape; records which replies could pose as another. */
  static final class AnsweringFs implements Filesystem {
    static final Attr ATTR = new Attr(2, 10, 1, 0, 0, 0, 0, 0, 0, Attr.S_IFREG | 0644, 1, 0, 0, 0, 4096);
    static final Entry ENTRY = new Entry(new NodeId(2), 0, ATTR, 0, 0);
    final List<String> crossShaped = new ArrayList<>();
    int forgets;

    @Override
    public long wantedInitFlags() {
      return 0;
    }

    @Override
    public void lookup(Request req, NodeId parent, String name, ReplyEntry reply) {
      reply.ok(ENTRY);
    }

    @Override
    public void forget(Request req, NodeId node, long lookupCount) {
      forgets++;
    }

    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
      reply.ok(ATTR, 0);
    }

    @Override
    public void setattr(Request req, NodeId node, SetAttr changes, ReplyAttr reply) {
      reply.ok(ATTR, 0);
    }

    @Override
    public void readlink(Request req, NodeId node, ReplyData reply) {
      reply.ok("t".getBytes());
    }

    @Override
    public void symlink(Request req, NodeId parent, String name, String target, ReplyEntry reply) {
      reply.ok(ENTRY);
    }

    @Override
    public void mknod(Request req, NodeId parent, String name, int mode, int rdev, int umask, ReplyEntry reply) {
      reply.ok(ENTRY);
    }

    @Override
    public void mkdir(Request req, NodeId parent, String name, int mode, int umask, ReplyEntry reply) {
      reply.ok(ENTRY);
    }

    @Override
    public void unlink(Request req, NodeId parent, String name, ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void rmdir(Request req, NodeId parent, String name, ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void rename(Request req, NodeId parent, String name, NodeId newParent, String newName, int flags,
          ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void link(Request req, NodeId node, NodeId newParent, String newName, ReplyEntry reply) {
      reply.ok(ENTRY);
    }

    @Override
    public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
      if (reply instanceof ReplyWrite || reply instanceof ReplyXattr) {
        crossShaped.add("READ");
      }
      reply.ok(new byte[10]);
    }

    @Override
    public void write(Request req, NodeId node, FileHandle fh, long offset, MemorySegment data, int writeFlags,
          ReplyWrite reply) {
      if (reply instanceof ReplyData || reply instanceof ReplyLseek) {
        crossShaped.add("WRITE");
      }
      reply.ok(data.byteSize());
    }

    @Override
    public void flush(Request req, NodeId node, FileHandle fh, long lockOwner, ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void fsync(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void setxattr(Request req, NodeId node, String name, MemorySegment value, int flags, ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void getxattr(Request req, NodeId node, String name, int size, ReplyXattr reply) {
      reply.ok(new byte[3]);
    }

    @Override
    public void listxattr(Request req, NodeId node, int size, ReplyXattr reply) {
      reply.ok("a\0".getBytes());
    }

    @Override
    public void removexattr(Request req, NodeId node, String name, ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void readdir(Request req, NodeId node, FileHandle fh, long offset, ReplyDirectory reply) {
      reply.add(2, "x", Attr.direntType(ATTR.mode()), 1);
      reply.ok();
    }

    @Override
    public void readdirplus(Request req, NodeId node, FileHandle fh, long offset, ReplyDirectoryPlus reply) {
      reply.add(ENTRY, "x", 1);
      reply.ok();
    }

    @Override
    public boolean supportsReaddirplus() {
      return true;
    }

    @Override
    public void fsyncdir(Request req, NodeId node, FileHandle fh, boolean datasync, ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void access(Request req, NodeId node, int mask, ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void create(Request req, NodeId parent, String name, int mode, int umask, int flags, ReplyCreate reply) {
      reply.ok(ENTRY, new FileHandle(1), 0);
    }

    @Override
    public void fallocate(Request req, NodeId node, FileHandle fh, long offset, long length, int mode,
          ReplyEmpty reply) {
      reply.ok();
    }

    @Override
    public void lseek(Request req, NodeId node, FileHandle fh, long offset, int whence, ReplyLseek reply) {
      reply.ok(5);
    }

    @Override
    public void copyFileRange(Request req, NodeId nodeIn, FileHandle fhIn, long offsetIn, NodeId nodeOut,
          FileHandle fhOut, long offsetOut, long length, int flags, ReplyWrite reply) {
      reply.ok(7);
    }

    @Override
    public void statx(Request req, NodeId node, Optional<FileHandle> fh, int flags, int mask, ReplyStatx reply) {
      reply.ok(ATTR, 0, 0, 0);
    }
  }

  /** The body length the kernel expects for each opcode's answer from {@link AnsweringFs}. */
  static int expectedBody(Opcode op) {
    return switch (op) {
      case LOOKUP, SYMLINK, MKNOD, MKDIR, LINK -> FuseStructs.EntryOut.BYTES;
      case GETATTR, SETATTR -> FuseStructs.AttrOut.BYTES;
      case OPEN, OPENDIR -> FuseStructs.OpenOut.BYTES;
      case CREATE -> FuseStructs.EntryOut.BYTES + FuseStructs.OpenOut.BYTES;
      case WRITE, COPY_FILE_RANGE -> FuseStructs.WriteOut.BYTES;
      case STATFS -> FuseStructs.Kstatfs.BYTES;
      case LSEEK -> FuseStructs.Lseek.OUT_BYTES;
      case STATX -> FuseStructs.StatxOut.BYTES;
      case READ -> 10;
      case READLINK -> 1;
      case GETXATTR -> 3;
      case LISTXATTR -> 2;
      case READDIR -> 32;                                        // fuse_dirent of "x", 8-aligned
      case READDIRPLUS -> FuseStructs.Dirent.PLUS_NAME_OFFSET + 8; // fuse_direntplus of "x"
      default -> 0;
    };
  }

  /** A minimal well-formed request for {@code op}: zeroed op struct, its names, sizes to answer within. */
  MemorySegment minimalRequest(Opcode op, long unique) {
    int fixed = op.fixedIn(false);
    int len = InHeader.BYTES + fixed + 2 * op.nameCount;
    MemorySegment b = request(op.code, unique, len - InHeader.BYTES);
    for (int i = 0; i < op.nameCount; i++) {
      b.set(JAVA_BYTE, InHeader.BYTES + fixed + 2L * i, (byte) 'a');
    }
    switch (op) {
      case READ, READDIR, READDIRPLUS -> b.set(JAVA_INT, InHeader.BYTES + FuseStructs.ReadWriteIn.SIZE, 4096);
      case GETXATTR, LISTXATTR -> b.set(JAVA_INT, InHeader.BYTES + FuseStructs.Getxattr.SIZE, 100);
      default -> { }
    }
    return b;
  }

  /**
   * Every opcode of the table has a handler and a reply shape: each is delivered once, answered by
   * the filesystem in its own shape, and goes out with the body the kernel expects (or, for the
   * ops the kernel expects no answer to, frees its slot without one). No reply can pose as another.
   */
  @Test
  void everyOpcodeIsAnsweredInItsOwnShape() {
    AnsweringFs fs = new AnsweringFs();
    Session s = new Session(fs, MountOptions.defaults());
    long unique = 100;
    for (Opcode op : Opcode.values()) {
      if (op == Opcode.INIT || op == Opcode.INTERRUPT) {
        continue;   // the session's own: initReplyIsExact, InterruptAndForgetIT
      }
      RecordingSlot slot = new RecordingSlot();
      slot.deliver(s, minimalRequest(op, ++unique), InHeader.BYTES + op.fixedIn(false) + 2 * op.nameCount);
      if (op.replies) {
        assertEquals(1, slot.sent.size(), op + " answered once");
        assertEquals(List.of(unique, 0L, (long) expectedBody(op)), Arrays.stream(slot.sent.get(0)).boxed().toList(),
            op + ": unique, error, body length");
      } else {
        assertEquals(List.of(), slot.sent, op + " is not answered");
        assertEquals(1, slot.released, op + " frees its slot");
      }
    }
    assertEquals(List.of(), fs.crossShaped);
    assertEquals(1, fs.forgets);
    assertEquals(0, s.unanswered());
  }

  /** The xattr size protocol lives in the reply: a probe gets the length, a small buffer ERANGE. */
  @Test
  void xattrReplyAppliesTheSizeProtocol() {
    Session s = new Session(new AnsweringFs(), MountOptions.defaults());
    RecordingSlot slot = new RecordingSlot();
    MemorySegment probe = minimalRequest(Opcode.GETXATTR, 40);
    probe.set(JAVA_INT, InHeader.BYTES + FuseStructs.Getxattr.SIZE, 0);
    slot.deliver(s, probe, (int) probe.byteSize());
    assertEquals(List.of(40L, 0L, (long) FuseStructs.Getxattr.BYTES), Arrays.stream(slot.sent.get(0)).boxed().toList());
    assertEquals(3, slot.body.get(JAVA_INT, 0));
    MemorySegment small = minimalRequest(Opcode.GETXATTR, 41);
    small.set(JAVA_INT, InHeader.BYTES + FuseStructs.Getxattr.SIZE, 2);
    slot.deliver(s, small, (int) small.byteSize());
    assertEquals(-Errno.ERANGE, slot.sent.get(1)[1]);
  }
}
