package org.uringfuse.export.passthrough;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.ring.sys.LibC;

/**
 * The inodes the kernel holds references to, keyed two ways: by our node id (what the kernel sends)
 * and by backing identity (st_dev, st_ino), so hard links share one node. Node ids come from a
 * counter and are never reused; the root is node 1 and pinned.
 *
 * <p>Threads: every loop thread calls in; one lock (this object) guards both maps and every lookup
 * count. Lock order: the table lock is the only lock here. An fd is closed only after its inode was
 * removed from both maps (unpublished), so no other thread can pick it up afterwards.
 */
final class InodeTable {
  private static final System.Logger LOG = System.getLogger(InodeTable.class.getName());
  private final Map<Long, Inode> byNodeId = new HashMap<>();
  private final Map<Key, Inode> byIdentity = new HashMap<>();
  private long nextNodeId = NodeId.ROOT.value() + 1;
  private long nextGeneration = 1;

  private record Key(long dev, long ino) {}

  InodeTable(int rootFd, long dev, long ino) {
    Inode root = new Inode(NodeId.ROOT.value(), dev, ino, rootFd, Attr.S_IFDIR, 0);
    root.lookupCount = 1;   // pinned: the kernel never forgets the root
    byNodeId.put(root.nodeId, root);
    byIdentity.put(new Key(dev, ino), root);
  }

  synchronized Inode get(long nodeId) {
    return byNodeId.get(nodeId);
  }

  /**
   * The inode for a backing identity, with one more lookup reference. When the identity is already
   * known, {@code fd} is closed and the existing inode returned; otherwise {@code fd} becomes the new
   * inode's fd.
   */
  synchronized Inode lookupAndRef(long dev, long ino, int fd, int type) {
    Key k = new Key(dev, ino);
    Inode existing = byIdentity.get(k);
    if (existing != null) {
      existing.lookupCount++;
      if (existing.fd != fd) {
        LibC.close(fd);
      }
      return existing;
    }
    Inode n = new Inode(nextNodeId++, dev, ino, fd, type, nextGeneration++);
    n.lookupCount = 1;
    byNodeId.put(n.nodeId, n);
    byIdentity.put(k, n);
    return n;
  }

  /**
   * FORGET: drops {@code count} references; closes the fd at zero. A forget of an unknown node or
   * of more references than were given is the kernel's bug or a forged request: it is logged, the
   * node (if any) is dropped, and nothing throws, so the rest of a BATCH_FORGET still applies.
   */
  void forget(long nodeId, long count) {
    Inode dead = null;
    synchronized (this) {
      Inode n = byNodeId.get(nodeId);
      if (n == null) {
        LOG.log(Level.WARNING, "FORGET of unknown node {0}: ignored", nodeId);
        return;
      }
      if (n.nodeId == NodeId.ROOT.value()) {
        return;
      }
      if (count > n.lookupCount) {
        LOG.log(Level.WARNING, "FORGET of {0} references to node {1}, which has {2}: dropping the node",
            count, nodeId, n.lookupCount);
        count = n.lookupCount;
      }
      n.lookupCount -= count;
      if (n.lookupCount == 0) {
        byNodeId.remove(nodeId);
        byIdentity.remove(new Key(n.dev, n.ino));
        dead = n;
      }
    }
    if (dead != null) {
      LibC.close(dead.fd);
    }
  }

  /** Inodes besides the root (the kernel's live references). */
  synchronized int size() {
    return byNodeId.size() - (byNodeId.containsKey(NodeId.ROOT.value()) ? 1 : 0);
  }

  /** Closes every fd (unmount: Linux sends no FORGETs then). */
  void closeAll() {
    List<Inode> all;
    synchronized (this) {
      all = new ArrayList<>(byNodeId.values());
      byNodeId.clear();
      byIdentity.clear();
    }
    for (Inode n : all) {
      LibC.close(n.fd);
    }
  }
}
