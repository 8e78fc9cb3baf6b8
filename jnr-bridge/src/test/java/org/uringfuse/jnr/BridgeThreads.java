package org.uringfuse.jnr;

import java.util.List;

/** The bridge's live worker threads, for leak checks. */
final class BridgeThreads {
  private BridgeThreads() {}

  static List<String> workers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(WorkerPool.THREAD_PREFIX))
        .toList();
  }
}
