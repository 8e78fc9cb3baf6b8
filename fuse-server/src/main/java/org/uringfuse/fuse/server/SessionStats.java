package org.uringfuse.fuse.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.uringfuse.fuse.abi.FuseKernel;

/**
 * Counters of a session: requests per opcode and per transport, bytes moved. Updated from every
 * loop thread (LongAdder), read from anywhere.
 */
public final class SessionStats {
  private final LongAdder[] perOpcode = new LongAdder[64];
  private final LongAdder classic = new LongAdder();
  private final LongAdder uring = new LongAdder();
  /** Latency histogram per opcode: bucket b counts answers that took [2^b, 2^(b+1)) microseconds. */
  private static final int BUCKETS = 32;
  private final LongAdder[][] latency = new LongAdder[64][];
  final LongAdder bytesRead = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();
  /**
   * READ replies linked behind their backing read ({@code RequestSlot.sendAfter}), and those the
   * read's shortfall broke.
   */
  final LongAdder linkedReplies = new LongAdder();
  final LongAdder brokenLinks = new LongAdder();

  SessionStats() {
    for (int i = 0; i < perOpcode.length; i++) {
      perOpcode[i] = new LongAdder();
      latency[i] = new LongAdder[BUCKETS];
      for (int b = 0; b < BUCKETS; b++) {
        latency[i][b] = new LongAdder();
      }
    }
  }

  /** Records how long the filesystem took to answer one request. */
  void recordLatency(int opcode, long nanos) {
    if (opcode >= 0 && opcode < latency.length) {
      long micros = Math.max(1, nanos / 1000);
      int bucket = Math.min(BUCKETS - 1, 63 - Long.numberOfLeadingZeros(micros));
      latency[opcode][bucket].increment();
    }
  }

  /**
   * The answer time below which {@code fraction} of the opcode's requests fell, in microseconds
   * (upper edge of the histogram bucket; -1 when none were answered).
   */
  public long latencyPercentileMicros(int opcode, double fraction) {
    long total = 0;
    for (LongAdder b : latency[opcode]) {
      total += b.sum();
    }
    if (total == 0) {
      return -1;
    }
    long rank = (long) Math.ceil(total * fraction);
    long seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
      seen += latency[opcode][b].sum();
      if (seen >= rank) {
        return 1L << (b + 1);
      }
    }
    return 1L << BUCKETS;
  }

  void count(int opcode, String transport) {
    if (opcode >= 0 && opcode < perOpcode.length) {
      perOpcode[opcode].increment();
    }
    ("uring".equals(transport) ? uring : classic).increment();
  }

  /** Requests received over {@code "classic"} ({@code /dev/fuse}) or {@code "uring"}. */
  public long requests(String transport) {
    return ("uring".equals(transport) ? uring : classic).sum();
  }

  public long requests(Opcode op) {
    return perOpcode[op.code].sum();
  }

  /** READ replies the kernel sent as soon as their backing read completed (FUSE-over-io_uring). */
  public long linkedReplies() {
    return linkedReplies.sum();
  }

  /** Linked READ replies that did not go because the read came up short or failed (answered again). */
  public long brokenLinks() {
    return brokenLinks.sum();
  }

  public long bytesRead() {
    return bytesRead.sum();
  }

  public long bytesWritten() {
    return bytesWritten.sum();
  }

  /** Nonzero per-opcode counts, by name. */
  public Map<String, Long> perOpcode() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < perOpcode.length; i++) {
      long n = perOpcode[i].sum();
      if (n > 0) {
        m.put(FuseKernel.opcodeName(i), n);
      }
    }
    return m;
  }
}
