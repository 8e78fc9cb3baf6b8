package org.uringfuse.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PathTableTest {
  private final PathTable t = new PathTable();

  @Test
  void pathsAreBuiltFromParents() {
    long d = t.lookup(PathTable.ROOT_ID, "d");
    long f = t.lookup(d, "f");
    assertEquals("/", t.path(PathTable.ROOT_ID));
    assertEquals("/d/f", t.path(f));
    assertEquals("/d/g", t.childPath(d, "g"));
    assertEquals(f, t.lookup(d, "f"), "a second lookup of the same name is the same node");
  }

  @Test
  void renamingADirectoryMovesItsSubtree() {
    long d = t.lookup(PathTable.ROOT_ID, "d");
    long sub = t.lookup(d, "sub");
    long f = t.lookup(sub, "f");
    long e = t.lookup(PathTable.ROOT_ID, "e");
    t.rename(PathTable.ROOT_ID, "d", e, "moved", false);
    assertEquals("/e/moved/sub/f", t.path(f));
    assertEquals(d, t.idOf(e, "moved"));
    assertEquals(0, t.idOf(PathTable.ROOT_ID, "d"));
  }

  @Test
  void renameOverANameDetachesTheReplacedNode() {
    long a = t.lookup(PathTable.ROOT_ID, "a");
    long b = t.lookup(PathTable.ROOT_ID, "b");
    t.rename(PathTable.ROOT_ID, "a", PathTable.ROOT_ID, "b", false);
    assertEquals("/b", t.path(a));
    assertNull(t.path(b), "the replaced node has no path, but its id stays valid until FORGET");
    t.forget(b, 1);
    assertEquals(1, t.size());
  }

  @Test
  void forgetDropsANodeAtZeroAndIdsAreNotReused() {
    long a = t.lookup(PathTable.ROOT_ID, "a");
    t.lookup(PathTable.ROOT_ID, "a");
    t.forget(a, 1);
    assertEquals("/a", t.path(a));
    t.forget(a, 1);
    assertNull(t.path(a));
    assertEquals(0, t.size());
    assertNotEquals(a, t.lookup(PathTable.ROOT_ID, "a"));
  }

  @Test
  void forgetUnderflowIsALoudBug() {
    long a = t.lookup(PathTable.ROOT_ID, "a");
    assertThrows(IllegalStateException.class, () -> t.forget(a, 2));
  }

  @Test
  void aDirectoryOutlivesItsForgottenLookupsWhileChildrenAreKnown() {
    long d = t.lookup(PathTable.ROOT_ID, "d");
    long f = t.lookup(d, "f");
    t.forget(d, 1);
    assertEquals("/d/f", t.path(f));
    assertEquals(d, t.lookup(PathTable.ROOT_ID, "d"), "the same node, not a second one for the same name");
  }

  @Test
  void anOpenNodeIsHiddenAndItsLastReleaseAsksForTheUnlink() {
    long a = t.lookup(PathTable.ROOT_ID, "a");
    t.opened(a);
    assertTrue(t.isOpen(PathTable.ROOT_ID, "a"));
    String hidden = t.hiddenName(PathTable.ROOT_ID, "a");
    assertTrue(hidden.startsWith(".fuse_hidden"), hidden);
    t.rename(PathTable.ROOT_ID, "a", PathTable.ROOT_ID, hidden, true);
    assertFalse(t.isOpen(PathTable.ROOT_ID, "a"));
    assertTrue(t.releasing(a), "the last release of a hidden node asks for the unlink");
    assertEquals("/" + hidden, t.path(a), "pinned: the release callback still finds the path");
    t.removeHidden(a);
    t.releaseDone(a);
    assertNull(t.path(a));
  }

  @Test
  void aFileClosedWhileBeingHiddenIsReportedSoTheHiderUnlinksIt() {
    long a = t.lookup(PathTable.ROOT_ID, "a");
    t.opened(a);
    assertTrue(t.isOpen(PathTable.ROOT_ID, "a"));   // UNLINK decides to hide...
    assertFalse(t.releasing(a));                     // ...the RELEASE lands before the hide is recorded
    t.releaseDone(a);
    String hidden = t.hiddenName(PathTable.ROOT_ID, "a");
    assertTrue(t.hide(PathTable.ROOT_ID, "a", hidden), "nobody else will unlink it: the hider must");
    assertFalse(t.isHidden(a));
    assertTrue(t.hiddenPaths().isEmpty());
  }

  @Test
  void aReleasePinsAForgottenNodeUntilItsCallbackRan() {
    long a = t.lookup(PathTable.ROOT_ID, "a");
    t.opened(a);
    t.forget(a, 1);
    t.releasing(a);
    assertEquals("/a", t.path(a), "the callback, run later, still gets the path");
    t.releaseDone(a);
    assertNull(t.path(a));
    assertEquals(0, t.size());
  }

  @Test
  void releaseOfAnUnhiddenNodeAsksNothing() {
    long a = t.lookup(PathTable.ROOT_ID, "a");
    t.opened(a);
    t.opened(a);
    assertFalse(t.releasing(a));
    assertFalse(t.releasing(a));
    t.releaseDone(a);
    t.releaseDone(a);
    assertEquals("/a", t.path(a));
  }
}
