package org.uringfuse.fuse.proto;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.abi.FuseStructs.ExtHeader;
import org.uringfuse.fuse.abi.FuseStructs.InHeader;
import org.uringfuse.fuse.abi.FuseStructs.SuppGroups;
import org.uringfuse.fuse.api.FileNames;

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
  /** Bytes of request extensions at the end of {@link #payload} ({@code total_extlen * 8}). */
  public final int extensionBytes;
  public final MemorySegment opIn;
  public final MemorySegment payload;
  private final String[] names;
  private final MemorySegment afterNames;

  private RequestView(MemorySegment header, MemorySegment opIn, MemorySegment payload, int nameCount)
      throws MalformedRequestException {
    this.length = header.get(JAVA_INT, InHeader.LEN);
    this.opcode = header.get(JAVA_INT, InHeader.OPCODE);
    this.unique = header.get(JAVA_LONG, InHeader.UNIQUE);
    this.nodeId = header.get(JAVA_LONG, InHeader.NODEID);
    this.uid = header.get(JAVA_INT, InHeader.UID);
    this.gid = header.get(JAVA_INT, InHeader.GID);
    this.pid = header.get(JAVA_INT, InHeader.PID);
    this.extensionBytes = (header.get(JAVA_SHORT, InHeader.TOTAL_EXTLEN) & 0xffff) * 8;
    this.opIn = opIn;
    this.payload = payload;
    this.names = nameCount == 0 ? NO_NAMES : new String[nameCount];
    this.afterNames = nameCount == 0 ? payload : payload.asSlice(parseNames(payload, names));
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
   * @param fixedIn the op struct size for this opcode
   * @param nameCount the NUL-terminated names that follow the op struct
   * @throws MalformedRequestException when the header's length disagrees with the read, the op
   *     struct does not fit or a name is not terminated
   */
  public static RequestView parseDevice(MemorySegment buffer, int bytesRead, int fixedIn, int nameCount)
      throws MalformedRequestException {
    if (bytesRead < InHeader.BYTES) {
      throw new MalformedRequestException("short read: " + bytesRead + " bytes");
    }
    int len = buffer.get(JAVA_INT, InHeader.LEN);
    if (len != bytesRead) {
      throw new MalformedRequestException("header says " + len + " bytes, read " + bytesRead);
    }
    if (len - InHeader.BYTES < fixedIn) {
      throw new MalformedRequestException(FuseKernel.opcodeName(opcodeOf(buffer)) + ": " + (len - InHeader.BYTES)
          + " bytes of input, struct needs " + fixedIn);
    }
    return new RequestView(buffer,
        buffer.asSlice(InHeader.BYTES, fixedIn),
        buffer.asSlice(InHeader.BYTES + fixedIn, len - InHeader.BYTES - fixedIn), nameCount);
  }

  /**
   * Parses a FUSE-over-io_uring entry: header ({@code in_out}), op struct ({@code op_in}) and
   * {@code payloadSize} bytes of payload.
   */
  public static RequestView parseRing(MemorySegment inHeader, MemorySegment opInArea, int fixedIn, int nameCount,
      MemorySegment payloadBuffer, int payloadSize) throws MalformedRequestException {
    if (fixedIn > opInArea.byteSize()) {
      throw new MalformedRequestException("op struct of " + fixedIn + " bytes exceeds op_in");
    }
    if (payloadSize < 0 || payloadSize > payloadBuffer.byteSize()) {
      throw new MalformedRequestException("payload_sz " + payloadSize + " out of range");
    }
    return new RequestView(inHeader, opInArea.asSlice(0, fixedIn), payloadBuffer.asSlice(0, payloadSize), nameCount);
  }

  private static final String[] NO_NAMES = new String[0];

  /**
   * Decodes the NUL-terminated names at the start of {@code payload} into {@code out} (bytes kept as
   * {@link FileNames} says) and returns the offset after the last one.
   */
  private int parseNames(MemorySegment payload, String[] out) throws MalformedRequestException {
    long pos = 0;
    long size = payload.byteSize();
    for (int i = 0; i < out.length; i++) {
      long end = pos;
      while (end < size && payload.get(JAVA_BYTE, end) != 0) {
        end++;
      }
      if (end >= size) {
        throw new MalformedRequestException(FuseKernel.opcodeName(opcode) + ": name " + (i + 1) + " not NUL-terminated");
      }
      out[i] = FileNames.decode(payload, pos, (int) (end - pos));
      pos = end + 1;
    }
    return (int) pos;
  }

  /** The {@code i}th name after the op struct (LOOKUP's name, RENAME's old and new name...). */
  public String name(int i) {
    return names[i];
  }

  /** What follows the names (SETXATTR's value); the whole payload when the op has no names. */
  public MemorySegment afterNames() {
    return afterNames;
  }

  private static final int[] NO_GROUPS = new int[0];

  /**
   * The supplementary groups of the {@code FUSE_EXT_GROUPS} extension (CREATE, MKDIR, MKNOD, SYMLINK
   * with FUSE_CREATE_SUPP_GROUP: the parent directory's group when the caller is a member through a
   * supplementary group), or none. The extension follows the names with no padding, so it is read
   * unaligned.
   */
  public int[] supplementaryGroups() throws MalformedRequestException {
    long size = payload.byteSize();
    if (extensionBytes == 0) {
      return NO_GROUPS;
    }
    if (extensionBytes > size) {
      throw new MalformedRequestException("extensions of " + extensionBytes + " bytes in a payload of " + size);
    }
    for (long pos = size - extensionBytes; pos + ExtHeader.BYTES <= size; ) {
      int len = payload.get(JAVA_INT_UNALIGNED, pos + ExtHeader.SIZE);
      if (len < ExtHeader.BYTES || pos + len > size) {
        throw new MalformedRequestException("extension of " + len + " bytes at " + pos + " overruns the request");
      }
      if (payload.get(JAVA_INT_UNALIGNED, pos + ExtHeader.TYPE) == FuseKernel.FUSE_EXT_GROUPS) {
        long body = pos + ExtHeader.BYTES;
        int count = payload.get(JAVA_INT_UNALIGNED, body + SuppGroups.NR_GROUPS);
        if (count < 0 || SuppGroups.GROUPS + 4L * count > len - ExtHeader.BYTES) {
          throw new MalformedRequestException("FUSE_EXT_GROUPS of " + count + " groups in " + len + " bytes");
        }
        int[] groups = new int[count];
        for (int i = 0; i < count; i++) {
          groups[i] = payload.get(JAVA_INT_UNALIGNED, body + SuppGroups.GROUPS + 4L * i);
        }
        return groups;
      }
      pos += len;
    }
    return NO_GROUPS;
  }
}
