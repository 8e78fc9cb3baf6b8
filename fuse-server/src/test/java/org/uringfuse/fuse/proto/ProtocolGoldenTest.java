package org.uringfuse.fuse.proto;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.abi.FuseStructs;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.Entry;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.server.Opcode;

/** Golden bytes for parsing and encoding, the opcode table against the kernel's struct sizes. */
class ProtocolGoldenTest {
  final Arena arena = Arena.ofAuto();

  static MemorySegment hex(Arena a, String hex) {
    byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
    MemorySegment m = a.allocate(Math.max(1, b.length), 8);
    MemorySegment.copy(b, 0, m, JAVA_BYTE, 0, b.length);
    return m;
  }

  @Test
  void structSizesMatchTheKernelHeader() {
    assertEquals(40, FuseStructs.InHeader.BYTES);
    assertEquals(16, FuseStructs.OutHeader.BYTES);
    assertEquals(64, FuseStructs.InitIn.BYTES);
    assertEquals(64, FuseStructs.InitOut.BYTES);
    assertEquals(88, FuseStructs.FuseAttr.BYTES);
    assertEquals(128, FuseStructs.EntryOut.BYTES);
    assertEquals(104, FuseStructs.AttrOut.BYTES);
    assertEquals(88, FuseStructs.SetattrIn.BYTES);
    assertEquals(40, FuseStructs.ReadWriteIn.BYTES);
    assertEquals(80, FuseStructs.Kstatfs.BYTES);
    assertEquals(56, FuseStructs.CopyFileRangeIn.BYTES);
    assertEquals(288, FuseStructs.UringReqHeader.BYTES);
    assertEquals(24, FuseStructs.UringCmdReq.BYTES);
    assertEquals(288, FuseStructs.StatxOut.BYTES);
    assertEquals(152, FuseStructs.Dirent.PLUS_NAME_OFFSET);
    assertEquals(0x8004E500L, FuseKernel.FUSE_DEV_IOC_CLONE);
    assertEquals(1L << 41, FuseKernel.FUSE_OVER_IO_URING);
  }

  @Test
  void opcodeTableSizes() {
    assertEquals(16, Opcode.GETATTR.fixedIn(false));
    assertEquals(8, Opcode.SETXATTR.fixedIn(false));
    assertEquals(16, Opcode.SETXATTR.fixedIn(true));
    assertEquals(2, Opcode.RENAME2.nameCount);
    assertEquals(Opcode.LOOKUP, Opcode.of(1));
    assertEquals(null, Opcode.of(31));
    assertEquals("GETLK", FuseKernel.opcodeName(31));
    assertEquals(false, Opcode.FORGET.replies);
    assertEquals(false, Opcode.BATCH_FORGET.replies);
  }

  @Test
  void parsesALookupFromDeviceBytes() throws Exception {
    // fuse_in_header: len 44, opcode 1 (LOOKUP), unique 0x10, nodeid 1, uid 1000, gid 100, pid 42
    MemorySegment req = hex(arena,
        "2c000000 01000000 1000000000000000 0100000000000000 e8030000 64000000 2a000000 00000000"
        + "666f6f00");
    RequestView v = RequestView.parseDevice(req, 44, Opcode.LOOKUP.fixedIn(false), Opcode.LOOKUP.nameCount);
    assertEquals(1, v.opcode);
    assertEquals(0x10, v.unique);
    assertEquals(1, v.nodeId);
    assertEquals(1000, v.uid);
    assertEquals(100, v.gid);
    assertEquals(42, v.pid);
    assertEquals("foo", v.name(0));
  }

  @Test
  void rejectsShortAndInconsistentRequests() {
    MemorySegment hdr = hex(arena,
        "30000000 03000000 0200000000000000 0100000000000000 00000000 00000000 00000000 00000000"
        + "0000000000000000");
    // GETATTR needs a 16-byte fuse_getattr_in; only 8 bytes follow the header.
    assertThrows(MalformedRequestException.class, () -> RequestView.parseDevice(hdr, 48, 16, 0));
    // The header claims 48 bytes but 40 were read.
    assertThrows(MalformedRequestException.class, () -> RequestView.parseDevice(hdr, 40, 0, 0));
    assertThrows(MalformedRequestException.class, () -> RequestView.parseDevice(hdr, 20, 0, 0));
    // A name without its NUL terminator.
    MemorySegment lookup = hex(arena,
        "2b000000 01000000 0400000000000000 0100000000000000 00000000 00000000 00000000 00000000"
        + "666f6f");
    assertThrows(MalformedRequestException.class, () -> RequestView.parseDevice(lookup, 43, 0, 1));
  }

  @Test
  void encodesEntryOutExactly() {
    MemorySegment out = arena.allocate(128, 8);
    Attr a = new Attr(7, 4096, 8, 1, 2, 3, 4, 5, 6, Attr.S_IFREG | 0644, 1, 1000, 100, 0, 4096);
    int n = ReplyEncoder.entryOut(out, 0, new Entry(new NodeId(7), 0, a, 1_500_000_000L, 2_000_000_000L));
    assertEquals(128, n);
    String expected = "0700000000000000 0000000000000000 0100000000000000 0200000000000000 0065cd1d 00000000"
        + "0700000000000000 0010000000000000 0800000000000000 0100000000000000 0300000000000000 0500000000000000"
        + "02000000 04000000 06000000 a4810000 01000000 e8030000 64000000 00000000 00100000 00000000";
    assertArrayEquals(HexFormat.of().parseHex(expected.replace(" ", "")), out.toArray(JAVA_BYTE));
  }

  /** fuse_entry_out + fuse_dirent, as FUSE_READDIRPLUS carries them: 128 + 24 + the name padded to 8. */
  @Test
  void encodesDirentPlusExactly() {
    MemorySegment out = arena.allocate(256, 8);
    out.fill((byte) 0x5a);   // whatever the buffer held before: padding must come out zero
    Attr a = new Attr(7, 4096, 8, 1, 2, 3, 4, 5, 6, Attr.S_IFREG | 0644, 1, 1000, 100, 0, 4096);
    int n = ReplyEncoder.direntPlus(out, 0, 256, new Entry(new NodeId(7), 0, a, 1_500_000_000L, 2_000_000_000L),
        "ab".getBytes(), 9);
    assertEquals(160, n);
    String expected = "0700000000000000 0000000000000000 0100000000000000 0200000000000000 0065cd1d 00000000"
        + "0700000000000000 0010000000000000 0800000000000000 0100000000000000 0300000000000000 0500000000000000"
        + "02000000 04000000 06000000 a4810000 01000000 e8030000 64000000 00000000 00100000 00000000"
        // fuse_dirent: ino 7, off 9, namelen 2, type DT_REG (8), "ab" and six bytes of padding
        + "0700000000000000 0900000000000000 02000000 08000000 6162000000000000";
    assertArrayEquals(HexFormat.of().parseHex(expected.replace(" ", "")), out.asSlice(0, n).toArray(JAVA_BYTE));
    assertEquals(-1, ReplyEncoder.direntPlus(out, 0, 159, new Entry(new NodeId(7), 0, a, 0, 0), "ab".getBytes(), 9));
  }

  /**
   * A WRITE as a FUSE-over-io_uring entry delivers it: {@code struct fuse_uring_req_header} (in_out
   * at 0, op_in at 128, ring_ent_in_out at 256: flags, commit_id at 264, payload_sz at 272) and the
   * data in the payload buffer. The bytes are laid out from the kernel header's offsets, not from
   * uringfuse's constants; the parse goes the way {@code UringQueues} takes it.
   */
  @Test
  void parsesAWriteFromRingEntryBytes() throws Exception {
    MemorySegment header = arena.allocate(288, 8);
    // fuse_in_header: len 85, opcode 16 (WRITE), unique 0x20, nodeid 5, uid 1000, gid 100, pid 42
    put(header, 0, "55000000 10000000 2000000000000000 0500000000000000 e8030000 64000000 2a000000 00000000");
    // fuse_write_in: fh 7, offset 4096, size 5, write_flags 0, lock_owner 0, flags O_RDWR|O_APPEND
    put(header, 128, "0700000000000000 0010000000000000 05000000 00000000 0000000000000000 02040000 00000000");
    // fuse_uring_ent_in_out: flags 0, commit_id 0x99, payload_sz 5
    put(header, 256, "0000000000000000 9900000000000000 05000000 00000000 0000000000000000");
    MemorySegment payload = hex(arena, "68656c6c6f000000");

    assertEquals(0x99, header.get(JAVA_LONG, FuseStructs.UringReqHeader.COMMIT_ID));
    int payloadSize = header.get(JAVA_INT, FuseStructs.UringReqHeader.PAYLOAD_SZ);
    RequestView v = RequestView.parseRing(header,
        header.asSlice(FuseStructs.UringReqHeader.OP_IN, FuseStructs.UringReqHeader.OP_IN_BYTES),
        Opcode.WRITE.fixedIn(false), 0, payload, payloadSize);
    assertEquals(FuseKernel.FUSE_WRITE, v.opcode);
    assertEquals(0x20, v.unique);
    assertEquals(5, v.nodeId);
    assertEquals(1000, v.uid);
    assertEquals(42, v.pid);
    assertEquals(40, v.opIn.byteSize());
    assertEquals(7, v.opIn.get(JAVA_LONG, FuseStructs.ReadWriteIn.FH));
    assertEquals(4096, v.opIn.get(JAVA_LONG, FuseStructs.ReadWriteIn.OFFSET));
    assertEquals(5, v.opIn.get(JAVA_INT, FuseStructs.ReadWriteIn.SIZE));
    assertArrayEquals("hello".getBytes(), v.payload.toArray(JAVA_BYTE));
    // a payload_sz beyond the buffer is refused, not read
    assertThrows(MalformedRequestException.class, () -> RequestView.parseRing(header,
        header.asSlice(128, 128), 40, 0, payload, 9));
  }

  private static void put(MemorySegment m, long offset, String hex) {
    byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
    MemorySegment.copy(b, 0, m, JAVA_BYTE, offset, b.length);
  }

  @Test
  void encodesDirentsAlignedAndRefusesOverflow() {
    MemorySegment out = arena.allocate(64, 8);
    int n = ReplyEncoder.dirent(out, 0, 64, 5, "abc".getBytes(), 8, 3);
    assertEquals(32, n);   // align8(24 + 3)
    assertEquals(5, out.get(JAVA_LONG, 0));
    assertEquals(3, out.get(JAVA_LONG, 8));
    assertEquals(3, out.get(JAVA_INT, 16));
    assertEquals(8, out.get(JAVA_INT, 20));
    assertEquals(0, out.get(JAVA_BYTE, 27));
    assertEquals(-1, ReplyEncoder.dirent(out, 32, 64, 6, "a-name-too-long".getBytes(), 8, 4));
  }
}
