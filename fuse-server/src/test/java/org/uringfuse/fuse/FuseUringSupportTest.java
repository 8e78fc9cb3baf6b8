package org.uringfuse.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class FuseUringSupportTest {

  @Test
  void kernelVersionComparison() {
    assertTrue(FuseUringSupport.kernelAtLeast("6.18.44-fc-v509", 6, 14));
    assertTrue(FuseUringSupport.kernelAtLeast("7.0.1", 6, 14));
    assertTrue(FuseUringSupport.kernelAtLeast("6.14", 6, 14));
    assertFalse(FuseUringSupport.kernelAtLeast("6.13.9", 6, 14));
    assertFalse(FuseUringSupport.kernelAtLeast("5.15.0-91-generic", 6, 14));
    assertFalse(FuseUringSupport.kernelAtLeast("garbage", 6, 14));
  }

  @Test
  void statusFollowsEnableUring() throws Exception {
    FuseUringSupport.Status s = FuseUringSupport.check();
    String enable = Files.readString(FuseUringSupport.ENABLE_URING).trim();
    assertEquals(enable, s.enableUring().orElseThrow());
    assertEquals(enable.equals("Y"), s.usable(), s.reason());
  }
}
