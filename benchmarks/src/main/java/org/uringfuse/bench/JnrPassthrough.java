package org.uringfuse.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import jnr.ffi.Pointer;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;

/**
 * The benchmark peer: a passthrough filesystem written the way jnr-fuse users write one today
 * (path based, java.nio for the backing I/O, libfuse2's multithreaded loop). Not part of uringfuse;
 * run by bench/passthrough-bench.sh as {@code java -cp benchmarks.jar org.uringfuse.bench.JnrPassthrough SOURCE MOUNTPOINT}.
 */
public final class JnrPassthrough extends FuseStubFS {
  private final Path root;
  private static final int O_DIRECT = 040000;
  private final Map<Long, FileChannel> open = new ConcurrentHashMap<>();
  private final Set<Long> direct = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextFh = new AtomicLong(1);

  JnrPassthrough(Path root) {
    this.root = root;
  }

  private Path p(String path) {
    return root.resolve(path.substring(1));
  }

  private static int errno(IOException e) {
    if (e instanceof NoSuchFileException) {
      return -ErrorCodes.ENOENT();
    }
    if (e instanceof FileAlreadyExistsException) {
      return -ErrorCodes.EEXIST();
    }
    if (e instanceof DirectoryNotEmptyException) {
      return -ErrorCodes.ENOTEMPTY();
    }
    if (e instanceof NotDirectoryException) {
      return -ErrorCodes.ENOTDIR();
    }
    if (e instanceof AccessDeniedException) {
      return -ErrorCodes.EACCES();
    }
    return -ErrorCodes.EIO();
  }

  @Override
  public int getattr(String path, FileStat stat) {
    try {
      Map<String, Object> a = Files.readAttributes(p(path), "unix:*", LinkOption.NOFOLLOW_LINKS);
      stat.st_mode.set((Integer) a.get("mode"));
      stat.st_size.set((Long) a.get("size"));
      stat.st_nlink.set((Integer) a.get("nlink"));
      stat.st_uid.set((Integer) a.get("uid"));
      stat.st_gid.set((Integer) a.get("gid"));
      stat.st_ino.set((Long) a.get("ino"));
      long mtime = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis();
      stat.st_mtim.tv_sec.set(mtime / 1000);
      stat.st_mtim.tv_nsec.set((mtime % 1000) * 1_000_000);
      stat.st_blocks.set(((Long) a.get("size") + 511) / 512);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
    filter.apply(buf, ".", null, 0);
    filter.apply(buf, "..", null, 0);
    try (Stream<Path> s = Files.list(p(path))) {
      s.forEach(c -> filter.apply(buf, c.getFileName().toString(), null, 0));
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  /** Opens the backing file, keeping O_DIRECT as the client asked (as uringfuse's passthrough does). */
  private int openChannel(String path, FuseFileInfo fi, Set<StandardOpenOption> opts) {
    try {
      boolean o_direct = (fi.flags.get() & O_DIRECT) != 0;
      java.util.Set<java.nio.file.OpenOption> all = new java.util.HashSet<>(opts);
      if (o_direct) {
        all.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
      }
      FileChannel ch = FileChannel.open(p(path), all);
      long fh = nextFh.getAndIncrement();
      open.put(fh, ch);
      if (o_direct) {
        direct.add(fh);
      }
      fi.fh.set(fh);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    return openChannel(path, fi, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  @Override
  public int create(String path, @mode_t long mode, FuseFileInfo fi) {
    return openChannel(path, fi, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE));
  }

  @Override
  public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    FileChannel ch = open.get(fi.fh.get());
    try {
      ByteBuffer bb = buffer(fi.fh.get(), (int) size);
      int n = ch.read(bb, offset);
      if (n <= 0) {
        return 0;
      }
      byte[] b = new byte[n];
      bb.flip().get(b);
      buf.put(0, b, 0, n);
      return n;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    FileChannel ch = open.get(fi.fh.get());
    byte[] b = new byte[(int) size];
    buf.get(0, b, 0, b.length);
    try {
      ByteBuffer bb = buffer(fi.fh.get(), b.length);
      bb.put(b).flip();
      return ch.write(bb, offset);
    } catch (IOException e) {
      return errno(e);
    }
  }

  /** O_DIRECT needs a block-aligned direct buffer; other handles use a heap buffer. */
  private ByteBuffer buffer(long fh, int size) {
    if (!direct.contains(fh)) {
      return ByteBuffer.allocate(size);
    }
    return ByteBuffer.allocateDirect(size + 4096).alignedSlice(4096).limit(size);
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    direct.remove(fi.fh.get());
    FileChannel ch = open.remove(fi.fh.get());
    try {
      if (ch != null) {
        ch.close();
      }
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int flush(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    try {
      open.get(fi.fh.get()).force(isdatasync == 0);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int truncate(String path, @off_t long size) {
    try (FileChannel ch = FileChannel.open(p(path), StandardOpenOption.WRITE)) {
      ch.truncate(size);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int unlink(String path) {
    try {
      Files.delete(p(path));
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int mkdir(String path, @mode_t long mode) {
    try {
      Files.createDirectory(p(path));
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int rmdir(String path) {
    return unlink(path);
  }

  @Override
  public int rename(String from, String to) {
    try {
      Files.move(p(from), p(to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  @Override
  public int utimens(String path, ru.serce.jnrfuse.struct.Timespec[] timespec) {
    return 0;
  }

  @Override
  public int chmod(String path, @mode_t long mode) {
    return 0;
  }

  @Override
  public int statfs(String path, Statvfs stbuf) {
    try {
      var store = Files.getFileStore(root);
      stbuf.f_bsize.set(4096);
      stbuf.f_frsize.set(4096);
      stbuf.f_blocks.set(store.getTotalSpace() / 4096);
      stbuf.f_bfree.set(store.getUnallocatedSpace() / 4096);
      stbuf.f_bavail.set(store.getUsableSpace() / 4096);
      return 0;
    } catch (IOException e) {
      return errno(e);
    }
  }

  public static void main(String[] args) {
    JnrPassthrough fs = new JnrPassthrough(Path.of(args[0]));
    Runtime.getRuntime().addShutdownHook(new Thread(fs::umount));
    System.out.println("mounted jnr-fuse");
    System.out.flush();
    // direct_io: libfuse2's protocol level lets the kernel serve O_DIRECT reads from the page cache
    // otherwise; the benchmark compares servers, so every read must reach the server, as with uringfuse.
    fs.mount(Path.of(args[1]), true, false,
        new String[] {"-o", "entry_timeout=0,attr_timeout=0,negative_timeout=0,direct_io"});
  }
}
