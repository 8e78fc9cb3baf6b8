package org.uringfuse.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.testkit.MountFixture.run;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.server.Opcode;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;
import org.uringfuse.testkit.FuseMountExtension;
import org.uringfuse.testkit.MountFixture;
import org.uringfuse.testkit.MountTest;

/**
 * MemoryFs mounted for real and exercised with plain java.nio calls and the usual tools, on each
 * transport, through the test kit as a filesystem author would: each {@link MountTest} runs once per
 * transport on a fresh mount, which is then unmounted and checked (nothing unanswered, mounted or
 * leaked).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryFsIT {
  @RegisterExtension
  static final FuseMountExtension MOUNTS = FuseMountExtension.serving(MemoryFs::new);

  static final int RENAME_NOREPLACE = 1;
  static final int RENAME_EXCHANGE = 2;

  @MountTest
  void createWriteReadAppendTruncate(MountFixture m) throws Exception {
    Path f = m.mnt.resolve("hello.txt");
    Files.writeString(f, "hello");
    assertEquals("hello", Files.readString(f));
    Files.writeString(f, " world", StandardOpenOption.APPEND);
    assertEquals("hello world", Files.readString(f));
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(4);
    }
    assertEquals("hell", Files.readString(f));
    Files.writeString(f, "x", StandardOpenOption.TRUNCATE_EXISTING);
    assertEquals("x", Files.readString(f));
    assertEquals(1, Files.size(f));
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(big);
    Path b = m.mnt.resolve("big.bin");
    Files.write(b, big);
    assertArrayEquals(big, Files.readAllBytes(b));
    try (FileChannel ch = FileChannel.open(b, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(100);
      ch.read(buf, 1_000_000);
      assertArrayEquals(java.util.Arrays.copyOfRange(big, 1_000_000, 1_000_100), buf.array());
    }
    assertThrows(NoSuchFileException.class, () -> Files.readString(m.mnt.resolve("missing")));
    assertTrue(m.server.stats().requests(m.server.transport()) > 0);
  }

  @MountTest
  void directoriesRenameAndToolsWork(MountFixture m) throws Exception {
    Path d = Files.createDirectories(m.mnt.resolve("a/b/c"));
    Files.writeString(d.resolve("f"), "data");
    run("cp", d.resolve("f").toString(), m.mnt.resolve("copy").toString());
    assertEquals("data", Files.readString(m.mnt.resolve("copy")));
    run("mv", m.mnt.resolve("copy").toString(), m.mnt.resolve("a/moved").toString());
    assertFalse(Files.exists(m.mnt.resolve("copy")));
    assertEquals("data", Files.readString(m.mnt.resolve("a/moved")));
    String ls = run("ls", "-la", m.mnt.resolve("a").toString());
    assertTrue(ls.contains("moved") && ls.contains(" b"), ls);
    String stat = run("stat", "-c", "%s %F", m.mnt.resolve("a/moved").toString());
    assertEquals("4 regular file", stat.trim());
    assertThrows(java.nio.file.DirectoryNotEmptyException.class, () -> Files.delete(m.mnt.resolve("a/b")));
    Files.delete(d.resolve("f"));
    Files.delete(d);
    assertFalse(Files.exists(d));
    // rename a directory with its subtree
    Files.move(m.mnt.resolve("a"), m.mnt.resolve("z"));
    assertTrue(Files.isDirectory(m.mnt.resolve("z/b")));
  }

  @MountTest
  void renameNoreplaceAndExchange(MountFixture m) throws Exception {
    try (Arena a = Arena.ofConfined()) {
      Path x = m.mnt.resolve("x");
      Path y = m.mnt.resolve("y");
      Files.writeString(x, "X");
      Files.writeString(y, "Y");
      assertEquals(-Errno.EEXIST, LibC.renameat2(LibC.AT_FDCWD, a.allocateFrom(x.toString()), LibC.AT_FDCWD,
          a.allocateFrom(y.toString()), RENAME_NOREPLACE));
      assertEquals(0, LibC.renameat2(LibC.AT_FDCWD, a.allocateFrom(x.toString()), LibC.AT_FDCWD,
          a.allocateFrom(y.toString()), RENAME_EXCHANGE));
      assertEquals("Y", Files.readString(x));
      assertEquals("X", Files.readString(y));
      assertEquals(0, LibC.renameat2(LibC.AT_FDCWD, a.allocateFrom(x.toString()), LibC.AT_FDCWD,
          a.allocateFrom(m.mnt.resolve("new").toString()), RENAME_NOREPLACE));
      assertEquals("Y", Files.readString(m.mnt.resolve("new")));
      assertThrows(FileAlreadyExistsException.class, () -> Files.move(y, m.mnt.resolve("new")));
    }
  }

  @MountTest
  void hardLinksShareAnInodeAndSymlinksResolve(MountFixture m) throws Exception {
    Path f = m.mnt.resolve("orig");
    Files.writeString(f, "shared");
    run("ln", f.toString(), m.mnt.resolve("hard").toString());
    Path h = m.mnt.resolve("hard");
    assertEquals(Files.getAttribute(f, "unix:ino"), Files.getAttribute(h, "unix:ino"));
    assertEquals(2, Files.getAttribute(f, "unix:nlink"));
    Files.writeString(h, "changed");
    assertEquals("changed", Files.readString(f));
    Files.delete(f);
    assertEquals("changed", Files.readString(h));
    assertEquals(1, Files.getAttribute(h, "unix:nlink"));
    Path s = m.mnt.resolve("sym");
    Files.createSymbolicLink(s, Path.of("hard"));
    assertEquals(Path.of("hard"), Files.readSymbolicLink(s));
    assertEquals("changed", Files.readString(s));
    assertTrue(Files.isSymbolicLink(s));
    assertEquals("hard", run("readlink", s.toString()).trim());
  }

  @MountTest
  void xattrsAndModes(MountFixture m) throws Exception {
    Path f = m.mnt.resolve("attrs");
    Files.writeString(f, "x");
    run("setfattr", "-n", "user.color", "-v", "blue", f.toString());
    assertTrue(run("getfattr", "-n", "user.color", f.toString()).contains("user.color=\"blue\""));
    UserDefinedFileAttributeView view = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
    view.write("size", ByteBuffer.wrap("large".getBytes(UTF_8)));
    assertEquals(List.of("color", "size"), view.list().stream().sorted().toList());
    ByteBuffer out = ByteBuffer.allocate(view.size("size"));
    view.read("size", out);
    assertEquals("large", new String(out.array(), UTF_8));
    view.delete("color");
    assertEquals(List.of("size"), view.list());
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }

  @MountTest
  void readdirOfTenThousandEntriesAndStatfs(MountFixture m) throws Exception {
    Path d = Files.createDirectory(m.mnt.resolve("many"));
    for (int i = 0; i < 10_000; i++) {
      Files.createFile(d.resolve("file-" + i));
    }
    try (Stream<Path> s = Files.list(d)) {
      assertEquals(10_000, s.count());
    }
    assertEquals("10000", run("sh", "-c", "ls -f " + d + " | grep -c file-").trim());
    assertTrue(m.server.stats().requests(Opcode.READDIRPLUS) + m.server.stats().requests(Opcode.READDIR) > 1);
    var store = Files.getFileStore(m.mnt);
    assertEquals((1L << 20) * 4096, store.getTotalSpace());
    String statf = run("stat", "-f", "-c", "%b %S", m.mnt.toString()).trim();
    assertEquals((1 << 20) + " 4096", statf);
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void severalLoopsServeReadersAndWritersAtOnce(TransportKind t) throws Exception {
    MountOptions o = MountOptions.defaults().withThreads(3);
    try (MountFixture m = MountFixture.mount(new MemoryFs(), t, o)) {
      assertEquals(3, m.server.loops().size());
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
          int id = w;
          results.add(pool.submit((Callable<Integer>) () -> {
            byte[] data = new byte[256 * 1024];
            new Random(id).nextBytes(data);
            Path f = m.mnt.resolve("worker-" + id);
            for (int round = 0; round < 20; round++) {
              Files.write(f, data);
              byte[] back = Files.readAllBytes(f);
              assertArrayEquals(data, back);
            }
            return id;
          }));
        }
        for (Future<Integer> r : results) {
          r.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
