package org.uringfuse.fuse.api;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * File names are bytes in Linux; the API hands them over as {@link String}s without losing any. A
 * name that is valid UTF-8 becomes the string it spells. A name that is not keeps every byte: each
 * byte that is not part of a valid UTF-8 sequence becomes the lone surrogate {@code U+DC80 + (b -
 * 0x80)} (Python's {@code surrogateescape}, PEP 383), and {@link #encode} turns it back into that
 * byte. Valid UTF-8 never yields a lone surrogate, so the mapping round-trips exactly.
 *
 * <p>Used for every name the kernel sends (lookup, create, rename, link, symlink targets, xattr names)
 * and every name a directory listing returns. Stateless and thread-safe.
 */
public final class FileNames {
  private static final int ESCAPE_BASE = 0xDC00;

  private FileNames() {}

  /** The name in {@code bytes}. */
  public static String decode(byte[] bytes) {
    if (isAscii(bytes)) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    try {
      return strictUtf8().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException notUtf8) {
      return decodeEscaping(bytes);
    }
  }

  /** The name in {@code length} bytes of {@code segment} from {@code offset}. */
  public static String decode(MemorySegment segment, long offset, int length) {
    byte[] b = new byte[length];
    MemorySegment.copy(segment, JAVA_BYTE, offset, b, 0, length);
    return decode(b);
  }

  /** The bytes of {@code name}: UTF-8, with escaped bytes restored. */
  public static byte[] encode(String name) {
    ByteArrayOutputStream out = null;   // only for a name with escapes
    int runStart = 0;
    for (int i = 0; i < name.length(); i++) {
      if (isEscape(name, i)) {
        if (out == null) {
          out = new ByteArrayOutputStream(name.length() + 8);
        }
        out.writeBytes(name.substring(runStart, i).getBytes(StandardCharsets.UTF_8));
        out.write(name.charAt(i) - ESCAPE_BASE);
        runStart = i + 1;
      }
    }
    if (out == null) {
      return name.getBytes(StandardCharsets.UTF_8);
    }
    out.writeBytes(name.substring(runStart).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** An escaped byte: a lone low surrogate in U+DC80..U+DCFF (one after a high surrogate is half a pair). */
  private static boolean isEscape(String name, int i) {
    char c = name.charAt(i);
    return c >= 0xDC80 && c <= 0xDCFF && !(i > 0 && Character.isHighSurrogate(name.charAt(i - 1)));
  }

  private static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** {@code name} as a NUL-terminated C string in {@code arena}, for a syscall. */
  public static MemorySegment toCString(Arena arena, String name) {
    byte[] b = encode(name);
    MemorySegment s = arena.allocate(b.length + 1L);
    MemorySegment.copy(b, 0, s, JAVA_BYTE, 0, b.length);
    s.set(JAVA_BYTE, b.length, (byte) 0);
    return s;
  }

  private static boolean isAscii(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  /** Decodes valid UTF-8 sequences and escapes each byte outside them. */
  private static String decodeEscaping(byte[] bytes) {
    CharsetDecoder d = strictUtf8();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    while (true) {
      var result = d.decode(in, out, true);
      if (result.isUnderflow()) {
        d.flush(out);
        break;
      }
      if (result.isError()) {
        for (int i = 0; i < result.length(); i++) {
          out.put((char) (ESCAPE_BASE + (in.get() & 0xff)));
        }
      } else {
        throw new IllegalStateException("decoder overflow on a buffer of one char per byte: " + result);
      }
    }
    out.flip();
    return out.toString();
  }
}
