package org.uringfuse.fuse.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.uringfuse.fuse.proto.Opcode;

/**
 * Counters of a session: requests per opcode and per transport, bytes moved. Updated from every
 * loop thread (LongAdder), read from anywhere.
 */
public final class SessionStats {
  private final LongAdder[] perOpcode = new LongAdder[64];
  private final LongAdder classic = new LongAdder();
  private final LongAdder uring = new LongAdder();
  final LongAdder bytesRead = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();

  SessionStats() {
    for (int i = 0; i < perOpcode.length; i++) {
      perOpcode[i] = new LongAdder();
    }
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
        m.put(Opcode.nameOf(i), n);
      }
    }
    return m;
  }
}
