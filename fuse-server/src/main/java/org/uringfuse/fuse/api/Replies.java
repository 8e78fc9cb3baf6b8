package org.uringfuse.fuse.api;

import java.lang.foreign.MemorySegment;

/**
 * The typed replies. Each request is answered exactly once, through one {@code ok...} method or
 * {@link Reply#error}; a second answer throws {@link IllegalStateException}. Answers may come later
 * and from any thread (they are handed to the request's loop). The session tracks requests that were
 * never answered.
 */
public final class Replies {
  private Replies() {}

  /** Common to every reply. */
  public interface Reply {
    /** Answers with a positive errno ({@code org.uringfuse.ring.Errno.ENOENT}), 1..511. */
    void error(int errno);
  }

  public interface ReplyEmpty extends Reply {
    void ok();
  }

  public interface ReplyEntry extends Reply {
    void ok(Entry entry);
  }

  public interface ReplyAttr extends Reply {
    void ok(Attr attr, long timeoutNanos);
  }

  public interface ReplyOpen extends Reply {
    /** @param openFlags {@code FOPEN_*} */
    void ok(FileHandle fh, int openFlags);
  }

  public interface ReplyCreate extends Reply {
    void ok(Entry entry, FileHandle fh, int openFlags);
  }

  public interface ReplyWrite extends Reply {
    void ok(long bytesWritten);
  }

  public interface ReplyStatfs extends Reply {
    void ok(Statfs statfs);
  }

  public interface ReplyLseek extends Reply {
    void ok(long offset);
  }

  /** READ and READLINK data. */
  public interface ReplyData extends Reply {
    /** Sends a copy of {@code data}, or sends it in place when it is a slice of {@link #buffer()}. */
    void ok(MemorySegment data);

    void ok(byte[] data);

    /**
     * The transport's reply buffer (the requested size, page aligned on both transports, so an
     * O_DIRECT read may target it): fill it and answer with {@link #ok(long)}. No copy is made.
     */
    MemorySegment buffer();

    /** Sends the first {@code length} bytes of {@link #buffer()}. */
    void ok(long length);

    /**
     * Answers with up to {@code size} bytes of {@code file} from {@code offset}, read straight into
     * {@link #buffer()} (an io_uring READ on the request's loop, or pread on the loop thread when
     * {@link BackingFile#inline}); a short read at end of file answers what was read, a failed one
     * its errno. An O_DIRECT file at an offset or size off the 512-byte grid is read through an
     * aligned bounce buffer.
     */
    void readFrom(BackingFile file, long offset, int size);
  }

  /**
   * GETXATTR and LISTXATTR, with the size protocol applied here: the caller asks for the size
   * first (requested size 0: the reply carries the value's length) and then for the value (ERANGE
   * when it is larger than the caller's buffer). A filesystem just hands over the whole value.
   */
  public interface ReplyXattr extends Reply {
    /** Answers with {@code value} (its length for a size probe, ERANGE when it does not fit). */
    void ok(byte[] value);

    /**
     * A buffer of the caller's requested size (empty for a size probe) to fill in place, as
     * getxattr(2) and listxattr(2) do; answer with {@link #filled}.
     */
    MemorySegment buffer();

    /**
     * Answers with the result of a getxattr(2)/listxattr(2)-style call into {@link #buffer()}: a
     * negative errno, or the value's length (the answer to a size probe; otherwise the first
     * {@code result} bytes of the buffer, ERANGE when it exceeds the buffer).
     */
    void filled(long result);
  }

  /** READDIR: fill with {@link #add} until it returns false, then {@link #ok()}. */
  public interface ReplyDirectory extends Reply {
    /**
     * @param nextOffset the offset the kernel passes to continue after this entry
     * @param type {@code DT_*} ({@code Attr.direntType(mode)})
     * @return false when the entry did not fit (it was not added)
     */
    boolean add(long ino, String name, int type, long nextOffset);

    void ok();
  }

  /** READDIRPLUS: like READDIR with a full entry per name (each added entry counts one lookup). */
  public interface ReplyDirectoryPlus extends Reply {
    boolean add(Entry entry, String name, long nextOffset);

    void ok();
  }

  /** STATX. */
  public interface ReplyStatx extends Reply {
    void ok(Attr attr, long btimeSec, int btimeNsec, long timeoutNanos);
  }
}
