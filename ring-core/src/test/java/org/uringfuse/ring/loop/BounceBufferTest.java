package org.uringfuse.ring.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.ring.op.Read;
import org.uringfuse.ring.sys.LibC;

/**
 * A loop's bounce buffers: page aligned, filled by real reads, reused once closed, capped in what
 * the loop keeps, all unmapped when the loop ends, and confined to the loop's thread. Mapped bytes
 * are counted by the pool itself.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BounceBufferTest {
  private static final int O_CLOEXEC = 02000000;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(LoopOptions.Backend.class)
  void aReadLandsInABufferThatIsReusedOnceClosed(LoopOptions.Backend backend) throws Exception {
    Path file = dir.resolve("data");
    byte[] bytes = new byte[3 * 4096];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 7);
    }
    Files.write(file, bytes);
    try (EventLoop loop = LoopDriver.open(backend); Arena a = Arena.ofConfined()) {
      BouncePool pool = ((AbstractEventLoop) loop).bounceBuffers;
      int fd = LibC.openat(LibC.AT_FDCWD, a.allocateFrom(file.toString()), O_CLOEXEC, 0);
      assertTrue(fd >= 0, "open: " + fd);
      try {
        BounceBuffer first = loop.bounceBuffer(10_000);
        MemorySegment s = first.segment();
        assertEquals(10_000, s.byteSize());
        assertEquals(0, s.address() % 4096, "page aligned");
        assertEquals(3 * 4096, pool.mappedBytes(), "10,000 bytes take 3 pages");
        assertEquals(10_000, LoopDriver.await(loop, Read.of(fd, s, 0)));
        for (int i = 0; i < 10_000; i++) {
          assertEquals(bytes[i], s.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
        }
        first.close();
        first.close();   // idempotent: given back once

        BounceBuffer second = loop.bounceBuffer(12_000);   // fits in the same 3 pages: reused
        assertEquals(s.address(), second.segment().address());
        assertEquals(3 * 4096, pool.mappedBytes());
        BounceBuffer third = loop.bounceBuffer(12_000);    // the first is in use: a new one
        assertEquals(6 * 4096, pool.mappedBytes());
        long thirdAddress = third.segment().address();
        third.close();
        BounceBuffer small = loop.bounceBuffer(100);       // a kept buffer that fits serves it
        assertEquals(thirdAddress, small.segment().address());
        assertEquals(100, small.segment().byteSize());
        assertEquals(6 * 4096, pool.mappedBytes());
        small.close();
        second.close();
      } finally {
        LibC.close(fd);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(LoopOptions.Backend.class)
  void aLoopKeepsAtMostItsCapAndUnmapsEverythingWhenItEnds(LoopOptions.Backend backend) {
    EventLoop loop = LoopDriver.open(backend);
    BouncePool pool = ((AbstractEventLoop) loop).bounceBuffers;
    try {
      long size = 128 * 1024 + 4096;   // an unaligned max_write-sized request's span
      List<BounceBuffer> taken = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        taken.add(loop.bounceBuffer(size));
      }
      assertEquals(20 * size, pool.mappedBytes());
      taken.forEach(BounceBuffer::close);
      long kept = Math.min(BouncePool.KEPT_BYTES / size, BouncePool.KEPT_BUFFERS) * size;
      assertEquals(kept, pool.mappedBytes(), "what is given back beyond the cap is unmapped");
      for (int i = 0; i < 100; i++) {
        loop.bounceBuffer(size).close();
      }
      assertEquals(kept, pool.mappedBytes(), "reuse maps nothing new");
    } finally {
      loop.close();
    }
    assertEquals(0, pool.mappedBytes(), "a closed loop keeps no bounce memory");
  }

  @ParameterizedTest
  @EnumSource(LoopOptions.Backend.class)
  void onlyTheLoopThreadTakesOrGivesBack(LoopOptions.Backend backend) throws Exception {
    BouncePool pool;
    try (EventLoop loop = LoopDriver.open(backend)) {
      pool = ((AbstractEventLoop) loop).bounceBuffers;
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> CompletableFuture.supplyAsync(() -> loop.bounceBuffer(4096)).get(10, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      BounceBuffer b = loop.bounceBuffer(4096);
      e = assertThrows(ExecutionException.class,
          () -> CompletableFuture.runAsync(b::close).get(10, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      b.close();   // the refused close left it open: this one gives it back
      assertThrows(IllegalArgumentException.class, () -> loop.bounceBuffer(0));
    }
    assertEquals(0, pool.mappedBytes(), "nothing left mapped");
  }
}
