package org.uringfuse.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Leak checks for the threads a server starts (its event loops {@code uringfuse-loop-*}, the jnr
 * bridge's workers {@code uringfuse-jnr-worker-*}, ...): once a mount is closed they must end, within
 * a bound, or the test fails naming them.
 */
public final class ServerThreads {
  /** What every uringfuse thread's name starts with. */
  public static final String PREFIX = "uringfuse-";
  private static final Duration BOUND = Duration.ofSeconds(10);

  private ServerThreads() {}

  /** The names of the live threads whose name starts with {@code prefix}. */
  public static List<String> named(String prefix) {
    return live(t -> t.getName().startsWith(prefix));
  }

  /** Waits (bounded) until no thread named {@code prefix*} is alive; fails naming those left. */
  public static void assertNoneLeft(String prefix) {
    assertEnded(t -> t.getName().startsWith(prefix));
  }

  /** Waits (bounded) until every uringfuse thread not in {@code before} has ended; fails naming those left. */
  static void assertNoneLeftSince(Set<Thread> before) {
    assertEnded(t -> t.getName().startsWith(PREFIX) && !before.contains(t));
  }

  /** The uringfuse threads alive now. */
  static Set<Thread> uringfuseThreads() {
    return Set.copyOf(Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(PREFIX)).toList());
  }

  private static void assertEnded(Predicate<Thread> which) {
    try {
      await().atMost(BOUND).until(() -> live(which).isEmpty());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("threads left running " + BOUND + " after the mount ended: " + live(which));
    }
  }

  private static List<String> live(Predicate<Thread> which) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(which)
        .map(Thread::getName)
        .sorted()
        .toList();
  }
}
