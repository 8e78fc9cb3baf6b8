package org.uringfuse.export.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uringfuse.testkit.MountFixture.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.export.sys.PosixCalls;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;
import org.uringfuse.ring.sys.LibC;

/** A disk image served as one regular file, on both transports, with real consumers of image files. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ImageIT {

  @org.junit.jupiter.api.io.TempDir
  Path temp;

  Path newImage(long size, long seed) throws IOException {
    Path img = Files.createTempFile(temp, "disk", ".raw");
    byte[] data = new byte[(int) size];
    new Random(seed).nextBytes(data);
    Files.write(img, data);
    return img;
  }

  /** The image served as one regular file ({@code .mnt}) on transport {@code t}. */
  static MountFixture mount(TransportKind t, Path image, ImageOptions o) throws IOException {
    return MountFixture.mount(ImageFs.open(image, o), t, MountOptions.defaults(), true);
  }

  static String sha256(String path, boolean direct) throws Exception {
    String dd = "dd if=" + path + " bs=1M status=none" + (direct ? " iflag=direct" : "");
    return run("sh", "-c", dd + " | sha256sum").split(" ")[0];
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void contentsEqualTheImageAndOddWritesLandInIt(TransportKind t) throws Exception {
    for (boolean cacheNone : new boolean[] {false, true}) {
      Path img = newImage(8 << 20, 11);
      try (MountFixture m = mount(t, img, new ImageOptions(false, false, cacheNone, -1, -1, -1))) {
        assertEquals(8 << 20, Files.size(m.mnt));
        String imageSum = sha256(img.toString(), false);
        assertEquals(imageSum, sha256(m.mnt.toString(), false));
        assertEquals(imageSum, sha256(m.mnt.toString(), true));
        Random r = new Random(5);
        try (FileChannel ch = FileChannel.open(m.mnt, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          for (int i = 0; i < 50; i++) {
            byte[] b = new byte[1 + r.nextInt(9000)];
            r.nextBytes(b);
            long off = r.nextInt((8 << 20) - b.length);
            ch.write(ByteBuffer.wrap(b), off);
            ch.force(false);
            byte[] back = new byte[b.length];
            try (RandomAccessFile raf = new RandomAccessFile(img.toFile(), "r")) {
              raf.seek(off);
              raf.readFully(back);
            }
            assertArrayEquals(b, back, "write at " + off + " (" + b.length + " bytes, cache=" + (cacheNone ? "none" : "writeback") + ")");
            // and read back through the mount at the same odd offset (cache=none: an O_DIRECT image
            // read through a bounce buffer)
            ByteBuffer through = ByteBuffer.allocate(b.length);
            while (through.hasRemaining() && ch.read(through, off + through.position()) > 0) {
              // a read may return less than asked
            }
            assertArrayEquals(b, through.array(), "read back at " + off + " (" + b.length + " bytes)");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void punchHoleDiscardsAndSeekDataAgrees(TransportKind t) throws Exception {
    Path img = newImage(4 << 20, 12);
    try (MountFixture m = mount(t, img, ImageOptions.defaults()); Arena a = Arena.ofConfined()) {
      long before = (long) Files.getAttribute(img, "unix:size");
      long blocksBefore = Long.parseLong(run("stat", "-c", "%b", img.toString()).trim());
      run("fallocate", "--punch-hole", "--offset", "1048576", "--length", "2097152", m.mnt.toString());
      long blocksAfter = Long.parseLong(run("stat", "-c", "%b", img.toString()).trim());
      assertTrue(blocksAfter < blocksBefore - 2048, blocksBefore + " -> " + blocksAfter);
      assertEquals(before, Files.size(m.mnt), "punching keeps the size");
      int viaMount = LibC.openat(PosixCalls.AT_FDCWD, a.allocateFrom(m.mnt.toString()), PosixCalls.O_RDONLY, 0);
      int direct = LibC.openat(PosixCalls.AT_FDCWD, a.allocateFrom(img.toString()), PosixCalls.O_RDONLY, 0);
      try {
        for (long off : new long[] {0, 1 << 20, (1 << 20) + 4096, 3 << 20}) {
          assertEquals(PosixCalls.lseek(direct, off, PosixCalls.SEEK_DATA), PosixCalls.lseek(viaMount, off, PosixCalls.SEEK_DATA),
              "SEEK_DATA from " + off);
          assertEquals(PosixCalls.lseek(direct, off, PosixCalls.SEEK_HOLE), PosixCalls.lseek(viaMount, off, PosixCalls.SEEK_HOLE),
              "SEEK_HOLE from " + off);
        }
      } finally {
        org.uringfuse.ring.sys.LibC.close(viaMount);
        org.uringfuse.ring.sys.LibC.close(direct);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void writesPastTheEndNeedGrowable(TransportKind t) throws Exception {
    Path img = newImage(1 << 20, 13);
    try (MountFixture m = mount(t, img, ImageOptions.defaults())) {
      IOException e = assertThrows(IOException.class, () -> {
        try (FileChannel ch = FileChannel.open(m.mnt, StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.wrap(new byte[4096]), 1 << 20);
        }
      });
      assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
      assertEquals(1 << 20, Files.size(img));
    }
    try (MountFixture m = mount(t, img, new ImageOptions(false, true, false, -1, -1, -1))) {
      try (FileChannel ch = FileChannel.open(m.mnt, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap("grown".getBytes()), (1 << 20) + 100);
      }
      assertEquals((1 << 20) + 105, Files.size(img));
      assertEquals((1 << 20) + 105, Files.size(m.mnt));
      try (FileChannel ch = FileChannel.open(m.mnt, StandardOpenOption.WRITE)) {
        ch.truncate(1 << 19);
      }
      assertEquals(1 << 19, Files.size(img), "truncate resizes the image");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void readOnlyRefusesWritesAndASecondExportIsRefused(TransportKind t) throws Exception {
    Path img = newImage(1 << 20, 14);
    try (MountFixture m = mount(t, img, new ImageOptions(true, false, false, -1, -1, -1))) {
      IOException e = assertThrows(IOException.class,
          () -> Files.write(m.mnt, new byte[10], StandardOpenOption.WRITE));
      assertTrue(String.valueOf(e.getMessage()).contains("Read-only"), e.toString());
      IOException locked = assertThrows(IOException.class, () -> ImageFs.open(img, ImageOptions.defaults()));
      assertTrue(locked.getMessage().contains("is in use"), locked.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void mkfsAndLoopMountOnTheExportedFile(TransportKind t) throws Exception {
    Path dir = Files.createTempDirectory(temp, "mkfs");
    Path img = dir.resolve("disk.raw");
    try (RandomAccessFile raf = new RandomAccessFile(img.toFile(), "rw")) {
      raf.setLength(64 << 20);
    }
    Path loop = Files.createDirectory(dir.resolve("loop"));
    try (MountFixture m = mount(t, img, ImageOptions.defaults())) {
      run("mkfs.ext4", "-q", "-F", m.mnt.toString());
      run("mount", "-o", "loop", m.mnt.toString(), loop.toString());
      try {
        Files.writeString(loop.resolve("inside.txt"), "a file inside an ext4 inside a FUSE export");
        run("sync");
      } finally {
        run("umount", loop.toString());
      }
    }
    Files.delete(loop);
    // the filesystem really went into the image: mount the image itself
    run("mount", "-o", "loop,ro", img.toString(), dir.toString());
    try {
      assertEquals("a file inside an ext4 inside a FUSE export", Files.readString(dir.resolve("inside.txt")));
    } finally {
      run("umount", dir.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void severalProcessesReadAndWriteAtOnceOnAllCpus(TransportKind t) throws Exception {
    Path img = newImage(16 << 20, 15);
    try (MountFixture m = mount(t, img, ImageOptions.defaults())) {
      int cpus = Runtime.getRuntime().availableProcessors();
      String out = run("fio", "--name=many", "--filename=" + m.mnt, "--rw=randrw", "--bs=4k", "--size=4m",
          "--offset_increment=4m", "--numjobs=4", "--cpus_allowed=0-" + (cpus - 1), "--cpus_allowed_policy=split",
          "--ioengine=io_uring", "--iodepth=8", "--direct=1", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0",
          "--output-format=terse");
      assertTrue(!out.contains("verify:"), out);
      assertEquals(16 << 20, Files.size(img));
    }
  }

  /**
   * cache=none: 8 threads write their own slots, interleaved inside shared 4 KiB blocks, 512-byte
   * sectors and then 100-byte slots (those make the server read-modify-write whole blocks). Every
   * slot holds its writer's bytes afterwards: no write put back bytes another had replaced.
   */
  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void concurrentWritesInsideSharedBlocksLoseNothing(TransportKind t) throws Exception {
    for (int slot : new int[] {512, 100}) {
      int writers = 8;
      int slots = 16_384;
      Path img = newImage((long) slot * slots, 3);
      try (MountFixture m = mount(t, img, new ImageOptions(false, false, true, -1, -1, -1))) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try (FileChannel ch = FileChannel.open(m.mnt, StandardOpenOption.WRITE)) {
          java.util.List<java.util.concurrent.Future<?>> jobs = new java.util.ArrayList<>();
          for (int w = 0; w < writers; w++) {
            byte mark = (byte) (w + 1);
            int first = w;
            jobs.add(pool.submit(() -> {
              ByteBuffer b = ByteBuffer.allocateDirect(slot);
              for (int i = first; i < slots; i += writers) {
                b.clear();
                while (b.hasRemaining()) {
                  b.put(mark);
                }
                b.flip();
                ch.write(b, (long) i * slot);
              }
              return null;
            }));
          }
          for (var j : jobs) {
            j.get(120, TimeUnit.SECONDS);
          }
        } finally {
          pool.shutdownNow();
        }
      }
      byte[] back = Files.readAllBytes(img);
      int lost = 0;
      for (int i = 0; i < slots; i++) {
        byte mark = (byte) (i % writers + 1);
        for (int k = 0; k < slot; k++) {
          if (back[i * slot + k] != mark) {
            lost++;
            break;
          }
        }
      }
      assertEquals(0, lost, "slots of " + slot + " bytes lost");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void aPartialLastSectorNeverGrowsTheImage(TransportKind t) throws Exception {
    Path img = newImage(1000, 4);
    try (MountFixture m = mount(t, img, new ImageOptions(false, false, true, -1, -1, -1))) {
      try (FileChannel ch = FileChannel.open(m.mnt, StandardOpenOption.WRITE)) {
        assertEquals(10, ch.write(ByteBuffer.wrap("0123456789".getBytes()), 990));
      }
      assertEquals(1000, Files.size(img), "the image grew");
      assertEquals("0123456789", new String(java.util.Arrays.copyOfRange(Files.readAllBytes(img), 990, 1000)));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void openWithTruncTruncatesAGrowableImage(TransportKind t) throws Exception {
    Path img = newImage(64 << 10, 5);
    try (MountFixture m = mount(t, img, ImageOptions.defaults().withGrowable(true))) {
      run("sh", "-c", "echo fresh > " + m.mnt);
      assertEquals(6, Files.size(img));
      assertEquals("fresh\n", Files.readString(img));
    }
  }
}
