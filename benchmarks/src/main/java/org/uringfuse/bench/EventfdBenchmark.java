package org.uringfuse.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.CqeHandler;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.loop.EventLoops;
import org.uringfuse.ring.loop.LoopOptions;
import org.uringfuse.ring.op.PollAdd;
import org.uringfuse.ring.op.Read;
import org.uringfuse.ring.sys.LibC;

/**
 * The eventfd microbenchmark from QEMU's aio_add_sqe talk: a writer thread writes an eventfd as fast
 * as it can, and the loop counts what it sees. {@code mode}:
 * <ul>
 *   <li>{@code ringRead}: an IORING_OP_READ on the (blocking) eventfd, re-armed at each completion;</li>
 *   <li>{@code pollThenRead}: a level-triggered fd watch (POLL_ADD) and a read(2) in the callback;</li>
 *   <li>{@code epoll}: the epoll backend's fd watch and a read(2).</li>
 * </ul>
 * Counters: {@code wakeups} = completions the loop handled, {@code events} = sum of the eventfd
 * values it read (the writes it saw).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class EventfdBenchmark {

  @Param({"ringRead", "pollThenRead", "epoll"})
  public String mode;

  private EventLoop loop;
  private int efd;
  private Thread writer;
  private volatile boolean stop;
  private final Arena arena = Arena.ofShared();
  private MemorySegment buf;
  private long wakeupCount;
  private long eventCount;

  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Counters {
    public long wakeups;
    public long events;
  }

  @Setup(Level.Trial)
  public void setUp() {
    boolean ring = !mode.equals("epoll");
    loop = EventLoops.openHere(LoopOptions.defaults()
        .withBackend(ring ? LoopOptions.Backend.IO_URING : LoopOptions.Backend.EPOLL));
    efd = LibC.eventfd(0, LibC.EFD_CLOEXEC | (mode.equals("ringRead") ? 0 : LibC.EFD_NONBLOCK));
    buf = arena.allocate(8, 8);
    if (mode.equals("ringRead")) {
      Read read = Read.of(efd, buf, -1);
      CqeHandler[] h = new CqeHandler[1];
      h[0] = (res, flags) -> {
        if (res == 8) {
          wakeupCount++;
          eventCount += buf.get(JAVA_LONG, 0);
        }
        if (res != -Errno.ECANCELED) {
          loop.addSqe(read, h[0]);
        }
      };
      loop.addSqe(read, h[0]);
    } else {
      loop.watchFd(efd, PollAdd.POLLIN, revents -> {
        if (LibC.read(efd, buf, 8) == 8) {
          wakeupCount++;
          eventCount += buf.get(JAVA_LONG, 0);
        }
      });
    }
    MemorySegment one = arena.allocate(8, 8);
    one.set(JAVA_LONG, 0, 1);
    writer = Thread.ofPlatform().name("eventfd-writer").start(() -> {
      while (!stop) {
        LibC.write(efd, one, 8);
      }
    });
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    stop = true;
    writer.join(5000);
    loop.close();
    LibC.close(efd);
  }

  @Benchmark
  public void loopIteration(Counters c) {
    long w = wakeupCount;
    long e = eventCount;
    loop.runOnce(true);
    c.wakeups += wakeupCount - w;
    c.events += eventCount - e;
  }
}
