package org.uringfuse.jnr;

import java.util.List;

/** The bridge's live worker threads, for leak checks. */
final class BridgeThreads {
  private BridgeThreads() {}

  /** Fails when any bridge worker thread is still alive. */
  static void assertNoneLeft() {
    List<String> left = workers();
    org.junit.jupiter.api.Assertions.assertTrue(left.isEmpty(), "worker threads left: " + left);
  }

  static List<String> workers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(WorkerPool.THREAD_PREFIX))
        .toList();
  }
}
