package org.uringfuse.testing;

import org.uringfuse.ring.IoUring;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Availability gate for tests that need io_uring: a skip on machines without it, a failure when
 * {@code -Duf.requireUring=1} (set by .ci/run through UF_REQUIRE_URING) says this machine must have it.
 */
public final class RequireUring {
  private RequireUring() {}

  public static boolean required() {
    String v = System.getProperty("uf.requireUring", "");
    return v.equals("1") || v.equalsIgnoreCase("true");
  }

  public static void ioUring() {
    IoUring.Availability a = IoUring.availability();
    if (required()) {
      assertTrue(a.supported(), "io_uring required (UF_REQUIRE_URING=1) but unavailable: " + a.reason());
    } else {
      assumeTrue(a.supported(), "io_uring unavailable: " + a.reason());
    }
  }
}
