package org.uringfuse.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.uringfuse.fuse.transport.TransportKind;

class BridgeOptionsTest {
  @Test
  void defaultsAreLibfuse2s() {
    BridgeOptions o = BridgeOptions.defaults();
    assertEquals(1_000_000_000L, o.entryTimeoutNanos());
    assertEquals(1_000_000_000L, o.attrTimeoutNanos());
    assertEquals(0, o.negativeTimeoutNanos());
    assertFalse(o.useIno());
    assertFalse(o.hardRemove());
    assertEquals(TransportKind.AUTO, o.mount().transport());
  }

  @Test
  void jnrFuseStyleArgumentsAreUnderstood() {
    BridgeOptions o = BridgeOptions.defaults().withFuseArgs("-o", "allow_other,entry_timeout=0.5",
        "-oattr_timeout=0,use_ino,hard_remove", "-f", "-o", "transport=uring,workers=3,fsname=mine");
    assertTrue(o.mount().allowOther());
    assertEquals(500_000_000L, o.entryTimeoutNanos());
    assertEquals(0, o.attrTimeoutNanos());
    assertTrue(o.useIno());
    assertTrue(o.hardRemove());
    assertEquals(TransportKind.URING, o.mount().transport());
    assertEquals(3, o.workers());
    assertEquals("mine", o.mount().fsname());
    assertEquals(1, BridgeOptions.defaults().withFuseArgs("-s").workers(), "-s: single-threaded");
  }

  @Test
  void badOptionsAreRefusedWithTheReason() {
    assertEquals("fuse: unknown option `frobnicate'",
        assertThrows(IllegalArgumentException.class,
            () -> BridgeOptions.defaults().withFuseArgs("-o", "frobnicate")).getMessage());
    assertEquals("fuse: invalid value for `entry_timeout': soon",
        assertThrows(IllegalArgumentException.class,
            () -> BridgeOptions.defaults().withFuseArgs("-o", "entry_timeout=soon")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> BridgeOptions.defaults().withFuseArgs("-o"));
    assertThrows(IllegalArgumentException.class, () -> BridgeOptions.defaults().withFuseArgs("/mnt/x"));
    assertThrows(IllegalArgumentException.class,
        () -> BridgeOptions.defaults().withFuseArgs("-o", "transport=carrier-pigeon"));
  }
}
