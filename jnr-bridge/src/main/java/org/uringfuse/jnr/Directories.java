package org.uringfuse.jnr;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Pointer;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.Replies.ReplyDirectory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * Open directories and READDIR, as libfuse 2 does them. A filesystem's {@code readdir} calls the
 * filler either with offset 0 for every entry (the whole listing at once: it is kept in the handle
 * and served in slices, so offsets stay stable across calls) or with its own nonzero offsets (each
 * READDIR calls {@code readdir} again from the kernel's offset, and entries go straight into the
 * reply until it is full).
 *
 * <p>Threads: handles are looked up from any worker; one handle is filled under its own monitor.
 */
final class Directories {
  /** libfuse's {@code FUSE_UNKNOWN_INO}: readdir entries carry no inode number of their own. */
  static final long FUSE_UNKNOWN_INO = 0xffffffffL;

  /** One open directory: the filesystem's handle and the listing kept for offset-0 fillers. */
  static final class Handle {
    final long userFh;
    final List<Entry> entries = new ArrayList<>();
    boolean filled;

    Handle(long userFh) {
      this.userFh = userFh;
    }
  }

  record Entry(long ino, String name, int type) {}

  /** How readdir entries get their inode numbers: libfuse's use_ino / readdir_ino rules. */
  interface InoSource {
    /** The number for {@code name} in the directory being read, given the filler's stat (or null). */
    long ino(String name, FileStat stat);
  }

  private final ConcurrentHashMap<Long, Handle> open = new ConcurrentHashMap<>();
  private final AtomicLong nextFh = new AtomicLong(1);

  long open(long userFh) {
    long fh = nextFh.getAndIncrement();
    open.put(fh, new Handle(userFh));
    return fh;
  }

  Handle get(long fh) {
    return open.get(fh);
  }

  Handle close(long fh) {
    return open.remove(fh);
  }

  /**
   * The filler handed to {@code readdir}: offset-0 entries go to the handle's listing, others into
   * {@code reply}. Returns 1 (stop) when the reply is full, as libfuse's filler does.
   */
  static final class Filler implements FuseFillDir {
    private final Handle handle;
    private final ReplyDirectory reply;
    private final InoSource inos;

    Filler(Handle handle, ReplyDirectory reply, InoSource inos) {
      this.handle = handle;
      this.reply = reply;
      this.inos = inos;
    }

    @Override
    public int apply(Pointer buf, ByteBuffer name, Pointer stbuf, long off) {
      String n = cString(name);
      FileStat st = stbuf == null ? null : FileStat.of(stbuf);
      int type = st == null ? 0 : Attr.direntType(st.st_mode.intValue());
      long ino = inos.ino(n, st);
      if (off != 0) {
        handle.filled = false;
        return reply.add(ino, n, type, off) ? 0 : 1;
      }
      handle.filled = true;
      handle.entries.add(new Entry(ino, n, type));
      return 0;
    }

    private static String cString(ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      int end = d.position();
      while (end < d.limit() && d.get(end) != 0) {
        end++;
      }
      byte[] bytes = new byte[end - d.position()];
      d.get(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** Answers from the kept listing, starting at entry {@code offset}. */
  static void serve(Handle h, long offset, ReplyDirectory reply) {
    for (int i = (int) Math.min(offset, h.entries.size()); i < h.entries.size(); i++) {
      Entry e = h.entries.get(i);
      if (!reply.add(e.ino(), e.name(), e.type(), i + 1)) {
        break;
      }
    }
    reply.ok();
  }
}
