package org.uringfuse.fuse.proto;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.uringfuse.fuse.abi.FuseStructs.InHeader;

/**
 * One request, split the same way whatever the transport: the {@code fuse_in_header} fields, the
 * op's fixed input struct ({@link #opIn}) and what follows it ({@link #payload}: names, write data,
 * xattr values). A read-only view over the transport's buffer, valid until the request is answered.
 *
 * <p>{@code /dev/fuse} delivers one contiguous buffer; FUSE-over-io_uring delivers the header and op
 * struct in the entry's header buffer and the rest in its payload buffer. Both parse into this.
 */
public final class RequestView {
  public final int length;
  public final int opcode;
  public final long unique;
  public final long nodeId;
  public final int uid;
  public final int gid;
  public final int pid;
  public final MemorySegment opIn;
  public final MemorySegment payload;

  private RequestView(MemorySegment header, MemorySegment opIn, MemorySegment payload) {
    this.length = header.get(JAVA_INT, InHeader.LEN);
    this.opcode = header.get(JAVA_INT, InHeader.OPCODE);
    this.unique = header.get(JAVA_LONG, InHeader.UNIQUE);
    this.nodeId = header.get(JAVA_LONG, InHeader.NODEID);
    this.uid = header.get(JAVA_INT, InHeader.UID);
    this.gid = header.get(JAVA_INT, InHeader.GID);
    this.pid = header.get(JAVA_INT, InHeader.PID);
    this.opIn = opIn;
    this.payload = payload;
  }

  /** The header alone (to answer a request that is too short to parse further). */
  public static long uniqueOf(MemorySegment header) {
    return header.get(JAVA_LONG, InHeader.UNIQUE);
  }

  public static int opcodeOf(MemorySegment header) {
    return header.get(JAVA_INT, InHeader.OPCODE);
  }

  /**
   * Parses a {@code /dev/fuse} read of {@code bytesRead} bytes.
   *
   * @param fixedIn the op struct size for this opcode (see {@link Opcode#fixedIn})
   * @throws MalformedRequestException when the header's length disagrees with the read or the op
   *     struct does not fit
   */
  public static RequestView parseDevice(MemorySegment buffer, int bytesRead, int fixedIn)
      throws MalformedRequestException {
    if (bytesRead < InHeader.BYTES) {
      throw new MalformedRequestException("short read: " + bytesRead + " bytes");
    }
    int len = buffer.get(JAVA_INT, InHeader.LEN);
    if (len != bytesRead) {
      throw new MalformedRequestException("header says " + len + " bytes, read " + bytesRead);
    }
    if (len - InHeader.BYTES < fixedIn) {
      throw new MalformedRequestException(Opcode.nameOf(opcodeOf(buffer)) + ": " + (len - InHeader.BYTES)
          + " bytes of input, struct needs " + fixedIn);
    }
    return new RequestView(buffer,
        buffer.asSlice(InHeader.BYTES, fixedIn),
        buffer.asSlice(InHeader.BYTES + fixedIn, len - InHeader.BYTES - fixedIn));
  }

  /**
   * Parses a FUSE-over-io_uring entry: header ({@code in_out}), op struct ({@code op_in}) and
   * {@code payloadSize} bytes of payload.
   */
  public static RequestView parseRing(MemorySegment inHeader, MemorySegment opInArea, int fixedIn,
      MemorySegment payloadBuffer, int payloadSize) throws MalformedRequestException {
    if (fixedIn > opInArea.byteSize()) {
      throw new MalformedRequestException("op struct of " + fixedIn + " bytes exceeds op_in");
    }
    if (payloadSize < 0 || payloadSize > payloadBuffer.byteSize()) {
      throw new MalformedRequestException("payload_sz " + payloadSize + " out of range");
    }
    return new RequestView(inHeader, opInArea.asSlice(0, fixedIn), payloadBuffer.asSlice(0, payloadSize));
  }

  /**
   * The {@code count} NUL-terminated strings at the start of the payload, followed by whatever is
   * left (for SETXATTR the value), as {@code names[count]}: a segment view.
   */
  public Names names(int count) throws MalformedRequestException {
    String[] out = new String[count];
    long pos = 0;
    long size = payload.byteSize();
    for (int i = 0; i < count; i++) {
      long end = pos;
      while (end < size && payload.get(JAVA_BYTE, end) != 0) {
        end++;
      }
      if (end >= size) {
        throw new MalformedRequestException(Opcode.nameOf(opcode) + ": name " + (i + 1) + " not NUL-terminated");
      }
      byte[] b = new byte[(int) (end - pos)];
      MemorySegment.copy(payload, JAVA_BYTE, pos, b, 0, b.length);
      out[i] = new String(b, StandardCharsets.UTF_8);
      pos = end + 1;
    }
    return new Names(out, payload.asSlice(pos));
  }

  /** Names parsed from the payload and the bytes after them. */
  public record Names(String[] names, MemorySegment rest) {
    public String get(int i) {
      return names[i];
    }
  }
}
