package org.uringfuse.fuse.server;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.uringfuse.fuse.api.ConnectionInfo;
import org.uringfuse.fuse.transport.DevFuseChannel;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.loop.LoopOptions;
import org.uringfuse.ring.loop.PollStats;
import org.uringfuse.ring.loop.SchedIdleGuard;
import org.uringfuse.ring.loop.SchedStats;

/**
 * The text {@code uringfuse stats} prints for a mount. Threads: any thread (reads counters and
 * atomics the loops update; a snapshot, not a consistent cut).
 */
final class StatsReport {
  private StatsReport() {}

  /** The report of {@code server}: transport, queues, loops, in flight, bytes, per-opcode counts and latencies. */
  static String of(FuseServer server) {
    StringBuilder sb = new StringBuilder();
    ConnectionInfo c = server.connection();
    sb.append("mountpoint: ").append(server.mountpoint()).append('\n');
    sb.append("transport: ").append(server.transport()).append('\n');
    sb.append("loops: ").append(server.loops().size()).append('\n');
    server.uringQueues().ifPresent(q -> {
      sb.append("queues: ").append(q.queueCount()).append(" x depth ").append(q.depth()).append('\n');
      sb.append("ring entries with the kernel: ").append(q.liveEntries()).append('\n');
      sb.append("requests per queue: ").append(Arrays.toString(q.requestsPerQueue())).append('\n');
    });
    List<DevFuseChannel> channels = server.classicChannels();
    sb.append("/dev/fuse requests per channel: ")
        .append(channels.stream().map(ch -> Long.toString(ch.requests())).collect(Collectors.joining(", ", "[", "]")))
        .append("; followers engaged ")
        .append(channels.stream().skip(1).map(ch -> Long.toString(ch.engagements())).collect(Collectors.joining(", ", "[", "]")))
        .append(" times\n");
    sb.append("max_write: ").append(c.maxWrite()).append('\n');
    sb.append("poll: ").append(server.options().poll()).append('\n');
    sb.append("sched: ").append(server.options().sched());
    String schedIdleUnavailable =
        server.options().sched() == LoopOptions.Sched.IDLE_WHEN_BUSY ? SchedIdleGuard.unavailableReason() : "";
    if (!schedIdleUnavailable.isEmpty()) {
      sb.append(" (loops stay SCHED_OTHER: ").append(schedIdleUnavailable).append(')');
    }
    sb.append('\n');
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (EventLoop loop : server.loops()) {
      PollStats p = loop.pollStats();
      SchedStats s = loop.schedStats();
      long cpu = threads.getThreadCpuTime(loop.ownerThread().threadId());
      sb.append(String.format("loop %s: cpu %d ms, poll hits %d, misses %d, yielded to other threads %d"
          + " (hit rate %.0f%%), polling %d ms, window %d us, paused %d times for hitting under half its polls;"
          + " %s now, idle spells %d (%d ended by a wait for the CPU)%n", loop.ownerThread().getName(),
          cpu < 0 ? -1 : cpu / 1_000_000, p.hits(), p.misses(), p.yieldedToOthers(), 100 * p.hitRate(),
          p.pollNanos() / 1_000_000, p.windowNanos() / 1_000, p.unpaidPauses(), s.idleNow() ? "SCHED_IDLE" : "SCHED_OTHER",
          s.idleSpells(), s.waitedForCpu()));
    }
    sb.append("requests in flight: ").append(server.unansweredRequests()).append('\n');
    sb.append("requests: uring ").append(server.stats().requests("uring")).append(", classic ")
        .append(server.stats().requests("classic")).append('\n');
    sb.append("bytes read: ").append(server.stats().bytesRead()).append(", bytes written: ")
        .append(server.stats().bytesWritten()).append('\n');
    sb.append("read replies linked to their backing read: ").append(server.stats().linkedReplies())
        .append(" (").append(server.stats().brokenLinks()).append(" broken by a short or failed read)\n");
    sb.append(String.format("%-16s %12s %10s %10s%n", "opcode", "count", "p50_us", "p99_us"));
    for (Opcode op : Opcode.values()) {
      long n = server.stats().requests(op);
      if (n > 0) {
        sb.append(String.format("%-16s %12d %10s %10s%n", op, n,
            micros(server.stats().latencyPercentileMicros(op.code, 0.5)), micros(server.stats().latencyPercentileMicros(op.code, 0.99))));
      }
    }
    return sb.toString();
  }

  private static String micros(long v) {
    return v < 0 ? "-" : "<" + v;
  }
}
