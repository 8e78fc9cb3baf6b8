package org.uringfuse.ring.loop;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.uringfuse.testing.RequireUring;
import org.uringfuse.ring.op.SqePrep;

/** Drives a loop owned by the test thread: submit, then iterate until a condition holds (bounded). */
final class LoopDriver {
  private LoopDriver() {}

  static final Duration BOUND = Duration.ofSeconds(10);

  static EventLoop open(LoopOptions.Backend backend) {
    if (backend == LoopOptions.Backend.IO_URING) {
      RequireUring.ioUring();
    }
    return EventLoops.openHere(LoopOptions.defaults().withBackend(backend));
  }

  static void runUntil(EventLoop loop, BooleanSupplier done) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("condition not reached within " + BOUND + " (in flight: " + loop.inFlight() + ")");
      }
      loop.runOnce(true);
    }
  }

  /** Submits one op and returns its result. */
  static int await(EventLoop loop, SqePrep prep) {
    Result r = submit(loop, prep);
    runUntil(loop, () -> r.done);
    return r.res;
  }

  static Result submit(EventLoop loop, SqePrep prep) {
    Result r = new Result();
    r.id = loop.addSqe(prep, (res, flags) -> {
      r.res = res;
      r.flags = flags;
      r.done = true;
    });
    return r;
  }

  static final class Result {
    long id;
    int res = Integer.MIN_VALUE;
    int flags;
    boolean done;
  }

  /** Operations a fresh loop keeps in flight by itself (the io_uring loop's wake-up READ). */
  static int baselineOf(EventLoop loop) {
    return loop.backend() == LoopOptions.Backend.IO_URING ? 1 : 0;
  }
}
