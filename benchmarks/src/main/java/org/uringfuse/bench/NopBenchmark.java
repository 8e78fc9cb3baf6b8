package org.uringfuse.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.uringfuse.ring.loop.CqeHandler;
import org.uringfuse.ring.loop.LoopOptions;
import org.uringfuse.ring.loop.PollOptions;
import org.uringfuse.ring.loop.UringEventLoop;
import org.uringfuse.ring.op.Nop;

/**
 * NOP round trips through the EventLoop (addSqe, one io_uring_enter per batch, reap, dispatch to a
 * handler), the same work as ../shared/bench/liburing-nop.c does with liburing. The loop is owned
 * by the benchmark thread, as the C loop owns its ring; ring flags are the C loop's
 * (SINGLE_ISSUER | DEFER_TASKRUN).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m"})
public class NopBenchmark {
  private UringEventLoop loop;
  private final Nop nop = Nop.create();
  private int completed;
  private final CqeHandler handler = (res, flags) -> completed++;

  @Setup(Level.Trial)
  public void setUp() {
    loop = new UringEventLoop(LoopOptions.defaults().withPoll(PollOptions.off()));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    loop.close();
  }

  private int roundTrip(int batch) {
    int target = completed + batch;
    for (int i = 0; i < batch; i++) {
      loop.addSqe(nop, handler);
    }
    while (completed - target < 0) {
      loop.runOnce(true);
    }
    return completed;
  }

  @Benchmark
  @OperationsPerInvocation(1)
  public int batch1() {
    return roundTrip(1);
  }

  @Benchmark
  @OperationsPerInvocation(16)
  public int batch16() {
    return roundTrip(16);
  }

  @Benchmark
  @OperationsPerInvocation(64)
  public int batch64() {
    return roundTrip(64);
  }
}
