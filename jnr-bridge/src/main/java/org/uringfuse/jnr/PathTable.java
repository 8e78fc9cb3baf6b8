package org.uringfuse.jnr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Node ids to paths and back, the job of libfuse's high-level layer ({@code lib/fuse.c}): the
 * kernel speaks in node ids, a jnr-fuse filesystem in paths.
 *
 * <p>Each node is a name under a parent node; a path is built by walking the parents, so renaming a
 * directory moves its whole subtree at once. A node lives while the kernel holds lookups on it or
 * the filesystem has it open. Unlinking a name detaches its node (the path is gone, the node id stays
 * valid until FORGET); an open node is instead <em>hidden</em> first (renamed to
 * {@code .fuse_hidden...} by the caller, as libfuse does) so its handle keeps working. Hard links are
 * two names, two nodes, as in libfuse without {@code use_ino}.
 *
 * <p>Threads: called from the bridge's worker threads and, for FORGET, from event-loop threads. Every
 * method holds the table's monitor; none calls out while holding it.
 */
final class PathTable {
  static final long ROOT_ID = 1;

  /** One name the kernel knows (or an open, hidden file). Fields guarded by the table's monitor. */
  static final class Node {
    final long id;
    Node parent;       // null once detached (unlinked, or replaced by a rename)
    String name;
    long lookups;
    int openCount;
    int children;      // attached child nodes: a directory outlives its named children, as in libfuse
    int pins;          // releases whose callback has not run yet
    boolean hidden;

    Node(long id, Node parent, String name) {
      this.id = id;
      this.parent = parent;
      this.name = name;
    }
  }

  private record Key(long parent, String name) {}

  private final Map<Long, Node> byId = new HashMap<>();
  private final Map<Key, Node> byName = new HashMap<>();
  private final Node root = new Node(ROOT_ID, null, "");
  private long nextId = ROOT_ID + 1;
  private long hiddenCounter;

  PathTable() {
    root.lookups = 1;   // pinned: the kernel never forgets the root
    byId.put(ROOT_ID, root);
  }

  /** The path of {@code id}, or null when the node is unknown or no longer has a name. */
  synchronized String path(long id) {
    Node n = byId.get(id);
    if (n == null) {
      return null;
    }
    if (n == root) {
      return "/";
    }
    List<String> parts = new ArrayList<>();
    for (Node at = n; at != root; at = at.parent) {
      if (at == null || at.parent == null) {
        return null;   // detached somewhere up the chain
      }
      parts.add(at.name);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      sb.append('/').append(parts.get(i));
    }
    return sb.toString();
  }

  /** The path of {@code name} under {@code parent}, or null when the parent has no path. */
  String childPath(long parent, String name) {
    String dir = path(parent);
    if (dir == null) {
      return null;
    }
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  /** Counts one kernel lookup of {@code name} under {@code parent}, creating its node; returns the id. */
  synchronized long lookup(long parent, String name) {
    Node p = byId.get(parent);
    if (p == null) {
      throw new IllegalStateException("lookup under unknown node " + parent);
    }
    Key key = new Key(parent, name);
    Node n = byName.get(key);
    if (n == null) {
      n = new Node(nextId++, null, null);
      byId.put(n.id, n);
      attach(n, p, name);
    }
    n.lookups++;
    return n.id;
  }

  /** The kernel dropped {@code count} lookups; the node goes away when nothing refers to it. */
  synchronized void forget(long id, long count) {
    Node n = byId.get(id);
    if (n == null || n == root) {
      return;
    }
    if (count > n.lookups) {
      throw new IllegalStateException("FORGET of " + count + " on node " + id + " with only " + n.lookups
          + " lookups: lookup counting is broken");
    }
    n.lookups -= count;
    dropIfUnused(n);
  }

  /** The node id of {@code name} under {@code parent} when the kernel knows it, else 0. */
  synchronized long idOf(long parent, String name) {
    Node n = byName.get(new Key(parent, name));
    return n == null ? 0 : n.id;
  }

  /** Whether the node named {@code name} under {@code parent} is open. */
  synchronized boolean isOpen(long parent, String name) {
    Node n = byName.get(new Key(parent, name));
    return n != null && n.openCount > 0;
  }

  /** A name for hiding an open file, not yet used in the table (the caller checks the filesystem too). */
  synchronized String hiddenName(long parent, String name) {
    Node n = byName.get(new Key(parent, name));
    long nodeId = n == null ? 0 : n.id;
    String candidate;
    do {
      candidate = String.format(".fuse_hidden%08x%08x", nodeId & 0xffffffffL, ++hiddenCounter & 0xffffffffL);
    } while (byName.containsKey(new Key(parent, candidate)));
    return candidate;
  }

  /** The name is gone from the filesystem: detach its node (still valid by id until forgotten). */
  synchronized void remove(long parent, String name) {
    Node n = byName.get(new Key(parent, name));
    if (n != null) {
      detach(n);
      dropIfUnused(n);
    }
  }

  /** The filesystem renamed a name: the node (and so its subtree) moves; a replaced target is detached. */
  synchronized void rename(long parent, String name, long newParent, String newName, boolean hide) {
    Node n = byName.get(new Key(parent, name));
    remove(newParent, newName);
    if (n == null) {
      return;
    }
    detach(n);
    Node np = byId.get(newParent);
    if (np == null) {
      dropIfUnused(n);
      return;
    }
    attach(n, np, newName);
    n.hidden |= hide;
  }

  synchronized void opened(long id) {
    Node n = byId.get(id);
    if (n != null) {
      n.openCount++;
    }
  }

  /**
   * A handle of {@code id} is being released: one open less, at once (in the kernel's order), while
   * the node stays pinned until {@link #releaseDone}, so the release callback still finds its path
   * as it is then. Returns true when this was the last handle of a hidden node: the caller unlinks
   * the hidden file (then {@link #removeHidden}).
   */
  synchronized boolean releasing(long id) {
    Node n = byId.get(id);
    if (n == null) {
      return false;
    }
    n.openCount = Math.max(0, n.openCount - 1);
    n.pins++;
    if (n.openCount == 0 && n.hidden) {
      n.hidden = false;
      return true;
    }
    return false;
  }

  /** The release callback of a {@link #releasing} node has run. */
  synchronized void releaseDone(long id) {
    Node n = byId.get(id);
    if (n != null) {
      n.pins--;
      dropIfUnused(n);
    }
  }

  /**
   * The filesystem renamed an open {@code name} to {@code hidden}: move the node and mark it hidden.
   * Returns true when its last handle was released meanwhile (nobody else will unlink it then: the
   * caller does, at once).
   */
  synchronized boolean hide(long parent, String name, String hidden) {
    rename(parent, name, parent, hidden, true);
    Node n = byName.get(new Key(parent, hidden));
    if (n != null && n.openCount == 0) {
      n.hidden = false;
      return true;
    }
    return false;
  }

  synchronized boolean isHidden(long id) {
    Node n = byId.get(id);
    return n != null && n.hidden;
  }

  /** Paths of hidden nodes (open files unlinked through the mount), for the cleanup at unmount. */
  synchronized java.util.List<String> hiddenPaths() {
    java.util.List<String> paths = new ArrayList<>();
    for (Node n : byId.values()) {
      String p = n.hidden ? path(n.id) : null;
      if (p != null) {
        paths.add(p);
      }
    }
    return paths;
  }

  /** After the caller unlinked a hidden node's path. */
  synchronized void removeHidden(long id) {
    Node n = byId.get(id);
    if (n != null && n.parent != null) {
      remove(n.parent.id, n.name);
    }
  }

  /** Nodes the table holds besides the root (for tests and stats). */
  synchronized int size() {
    return byId.size() - 1;
  }

  private void attach(Node n, Node parent, String name) {
    n.parent = parent;
    n.name = name;
    parent.children++;
    byName.put(new Key(parent.id, name), n);
  }

  private void detach(Node n) {
    Node p = n.parent;
    if (p == null) {
      return;
    }
    byName.remove(new Key(p.id, n.name));
    n.parent = null;
    n.name = null;
    p.children--;
    dropIfUnused(p);
  }

  private void dropIfUnused(Node n) {
    if (n != root && n.lookups == 0 && n.openCount == 0 && n.children == 0 && n.pins == 0) {
      byId.remove(n.id);
      detach(n);
    }
  }
}
