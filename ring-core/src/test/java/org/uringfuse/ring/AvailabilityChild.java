package org.uringfuse.ring;

import org.uringfuse.ring.loop.EventLoops;
import org.uringfuse.ring.loop.LoopOptions;

/** Run in a child JVM by {@link AvailabilityTest}: prints what detection sees in that process. */
public final class AvailabilityChild {
  private AvailabilityChild() {}

  public static void main(String[] args) {
    IoUring.Availability a = IoUring.availability();
    System.out.println("supported=" + a.supported());
    System.out.println("errno=" + a.negErrno());
    System.out.println("reason=" + a.reason());
    System.out.println("backend=" + EventLoops.resolve(LoopOptions.Backend.AUTO));
  }
}
