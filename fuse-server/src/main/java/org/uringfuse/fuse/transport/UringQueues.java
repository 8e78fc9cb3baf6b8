package org.uringfuse.fuse.transport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.abi.FuseStructs.OutHeader;
import org.uringfuse.fuse.abi.FuseStructs.UringCmdReq;
import org.uringfuse.fuse.abi.FuseStructs.UringReqHeader;
import org.uringfuse.fuse.api.ConnectionInfo;
import org.uringfuse.fuse.proto.MalformedRequestException;
import org.uringfuse.fuse.proto.ReplyEncoder;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.abi.Iovec;
import org.uringfuse.ring.loop.CqeHandler;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.loop.LoopOptions;
import org.uringfuse.ring.op.SqeOp;
import org.uringfuse.ring.op.UringCmd;
import org.uringfuse.ring.sys.LibC;

/**
 * The FUSE-over-io_uring transport: one queue per possible CPU, {@code depth} entries per queue,
 * each entry a header buffer (288 bytes, page aligned) and a payload buffer sized from the
 * negotiated INIT values. Queues are spread round-robin over the session's event loops; an entry
 * lives on exactly one loop, which submits its URING_CMDs (REGISTER once, then COMMIT_AND_FETCH
 * after every reply) on the same ring as everything else that loop does, naming /dev/fuse as the
 * ring's fixed file 0 where the ring took it.
 *
 * <p>Threads: an entry is touched only by its loop thread (the kernel delivers requests as task
 * work of the thread that submitted the command). {@link #liveEntries} and the per-queue counters
 * are atomics read by other threads. Buffers are freed by {@link #freeBuffers()} only once every entry has
 * seen its last completion (-ENOTCONN at unmount); otherwise they are left allocated.
 */
public final class UringQueues implements UringStarter {
  private static final System.Logger LOG = System.getLogger(UringQueues.class.getName());
  private static final int PAGE = 4096;
  /**
   * Queue q's request counter sits at index q * COUNTER_STRIDE of {@link #requestsPerQueue}: 128
   * bytes apart, so the loops, each counting on its own CPU, never write to one cache line (nor to
   * a pair the prefetcher fetches together).
   */
  private static final int COUNTER_STRIDE = 16;
  static final Path POSSIBLE_CPUS = Path.of("/sys/devices/system/cpu/possible");

  private final RequestSink sink;
  private final List<EventLoop> loops;
  private final int[] deviceFds;
  private final int depth;
  private final Arena arena = Arena.ofShared();
  private final List<RingEntry> entries = new ArrayList<>();
  private final AtomicInteger liveEntries = new AtomicInteger();
  private final CompletableFuture<Integer> endedWith = new CompletableFuture<>();
  private AtomicLongArray requestsPerQueue = new AtomicLongArray(0);
  private int queueCount;
  private int payloadSize;
  private volatile String unavailableReason = "";

  /**
   * @param loops the session's loops (io_uring backend, SQE128 rings)
   * @param deviceFds the /dev/fuse fd each loop uses (index = loop)
   * @param depth entries per queue
   */
  public UringQueues(RequestSink sink, List<EventLoop> loops, int[] deviceFds, int depth) {
    this.sink = sink;
    this.loops = List.copyOf(loops);
    this.deviceFds = deviceFds.clone();
    this.depth = depth;
  }

  /** Why {@link #prepare} said no (empty when it said yes). */
  public String unavailableReason() {
    return unavailableReason;
  }

  @Override
  public boolean prepare(ConnectionInfo proposed) {
    for (EventLoop loop : loops) {
      if (loop.backend() != LoopOptions.Backend.IO_URING) {
        unavailableReason = "the event loops run on epoll (io_uring unavailable)";
        return false;
      }
    }
    try {
      queueCount = possibleCpus();
    } catch (IOException e) {
      unavailableReason = "cannot read " + POSSIBLE_CPUS + ": " + e.getMessage();
      return false;
    }
    payloadSize = Math.max(FuseKernel.FUSE_MIN_READ_BUFFER,
        Math.max(proposed.maxWrite(), proposed.maxPages() * PAGE));
    requestsPerQueue = new AtomicLongArray(queueCount * COUNTER_STRIDE);
    // One mapping for every entry's header page and payload, faulted in only where requests land.
    long stride = PAGE + (payloadSize + PAGE - 1) / PAGE * PAGE;
    MemorySegment buffers = LibC.mapAnonymous(stride * queueCount * depth, arena);
    for (int q = 0; q < queueCount; q++) {
      int loopIndex = q % loops.size();
      for (int i = 0; i < depth; i++) {
        MemorySegment buffer = buffers.asSlice(stride * entries.size(), stride);
        RingEntry entry = new RingEntry(q, loops.get(loopIndex), buffer);
        entries.add(entry);
        sink.slotCreated(entry);
      }
    }
    return true;
  }

  @Override
  public void start(ConnectionInfo negotiated) {
    liveEntries.set(entries.size());
    for (int l = 0; l < loops.size(); l++) {
      EventLoop loop = loops.get(l);
      int deviceFd = deviceFds[l];
      List<RingEntry> served = entries.stream().filter(e -> e.loop == loop).toList();
      loop.execute(() -> {
        // /dev/fuse as the ring's fixed file 0, as libfuse does: no file reference taken per command.
        boolean fixed = loop.registerFiles(deviceFd) == 0;
        IntFunction<UringCmd> command = op -> fixed ? UringCmd.of(0, op).fixedFile() : UringCmd.of(deviceFd, op);
        served.forEach(e -> e.register(command));
      });
    }
    LOG.log(Level.DEBUG, "FUSE-over-io_uring: {0} queues x {1} entries on {2} loops, payload {3} bytes",
        queueCount, depth, loops.size(), payloadSize);
  }

  public int queueCount() {
    return queueCount;
  }

  public int depth() {
    return depth;
  }

  /** Requests served per queue (index = CPU). */
  public long[] requestsPerQueue() {
    long[] out = new long[queueCount];
    for (int q = 0; q < out.length; q++) {
      out[q] = requestsPerQueue.get(q * COUNTER_STRIDE);
    }
    return out;
  }

  /** Entries whose command is still with the kernel (or being answered). */
  public int liveEntries() {
    return liveEntries.get();
  }

  /**
   * Submits IORING_OP_ASYNC_CANCEL for one FUSE command of each queue and returns the kernel's
   * answers (the brief expects -ENOENT: uring_cmds are not in io_uring's cancel lookup).
   */
  public CompletableFuture<List<Integer>> cancelOnePerQueue() {
    List<CompletableFuture<Integer>> answers = new ArrayList<>();
    for (int q = 0; q < queueCount; q++) {
      RingEntry e = entries.get(q * depth);
      CompletableFuture<Integer> f = new CompletableFuture<>();
      answers.add(f);
      e.loop.execute(() -> {
        if (e.pendingOp == 0) {
          f.complete(-Errno.EALREADY);
        } else {
          e.loop.cancel(e.pendingOp, f::complete);
        }
      });
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(v -> answers.stream().map(CompletableFuture::join).toList());
  }

  /** Frees the buffers when every entry is done; otherwise leaves them allocated and says so. */
  @Override
  public void freeBuffers() {
    int live = liveEntries.get();
    if (live == 0) {
      arena.close();
    } else {
      LOG.log(Level.WARNING, "{0} FUSE ring entries still with the kernel; their buffers stay allocated", live);
    }
  }

  /** Number of possible CPUs (the kernel makes one queue per possible CPU, online or not). */
  public static int possibleCpus() throws IOException {
    String spec = Files.readString(POSSIBLE_CPUS).trim();
    int max = -1;
    for (String part : spec.split(",")) {
      String[] range = part.split("-");
      max = Math.max(max, Integer.parseInt(range[range.length - 1].trim()));
    }
    return max + 1;
  }

  private void entryEnded(int res) {
    if (liveEntries.decrementAndGet() == 0) {
      endedWith.complete(res);
    }
  }

  @Override
  public CompletableFuture<Integer> ended() {
    return endedWith;
  }

  /** One ring entry: its buffers, its two commands, and the request it currently holds. */
  private final class RingEntry extends RequestSlot implements CqeHandler {
    final int qid;
    final EventLoop loop;
    final MemorySegment header;
    final MemorySegment payload;
    final MemorySegment iov;
    UringCmd register;
    UringCmd commit;
    long commitId;
    long pendingOp;
    boolean registered;

    /** {@code buffer}: a page for the header, then the payload (page-aligned). */
    RingEntry(int qid, EventLoop loop, MemorySegment buffer) {
      this.qid = qid;
      this.loop = loop;
      this.header = buffer.asSlice(0, UringReqHeader.BYTES);
      this.payload = buffer.asSlice(PAGE, payloadSize);
      this.iov = arena.allocate(Iovec.BYTES * 2, 8);
      Iovec.set(iov, 0, header);
      Iovec.set(iov, 1, payload);
    }

    /** Builds the entry's two commands ({@code command}: a /dev/fuse command of that op), then registers. */
    void register(IntFunction<UringCmd> command) {
      this.register = command.apply(FuseKernel.FUSE_IO_URING_CMD_REGISTER).addr(iov, 2).cmd(this::writeCmd);
      this.commit = command.apply(FuseKernel.FUSE_IO_URING_CMD_COMMIT_AND_FETCH).noAddr().cmd(this::writeCmd);
      register();
    }

    private void writeCmd(MemorySegment sqe, long off) {
      sqe.set(JAVA_LONG, off + UringCmdReq.FLAGS, 0L);
      sqe.set(JAVA_LONG, off + UringCmdReq.COMMIT_ID, registered ? commitId : 0L);
      sqe.set(JAVA_SHORT, off + UringCmdReq.QID, (short) qid);
    }

    void register() {
      registered = false;
      pendingOp = loop.addSqe(register, this);
    }

    @Override
    public void complete(int res, int flags) {
      pendingOp = 0;
      if (res == 0) {
        registered = true;
        onRequest();
        return;
      }
      if (res == -Errno.EAGAIN || res == -Errno.EINTR) {
        // REGISTER before the kernel processed the INIT reply, or an interrupted wait: try again.
        if (registered) {
          pendingOp = loop.addSqe(commit, this);
        } else {
          register();
        }
        return;
      }
      if (res != -Errno.ENOTCONN && res != -Errno.ECONNABORTED && res != -Errno.ECANCELED) {
        LOG.log(Level.ERROR, "FUSE ring entry of queue {0}: {1} failed: {2}", qid,
            registered ? "COMMIT_AND_FETCH" : "REGISTER", Errno.describe(res));
      }
      entryEnded(res);
    }

    private void onRequest() {
      requestsPerQueue.incrementAndGet(qid * COUNTER_STRIDE);
      commitId = header.get(JAVA_LONG, UringReqHeader.COMMIT_ID);
      sink.onRequest(this, loop);
    }

    @Override
    public MemorySegment header() {
      return header;
    }

    @Override
    public RequestView parse(int fixedIn, int nameCount) throws MalformedRequestException {
      return RequestView.parseRing(header, header.asSlice(UringReqHeader.OP_IN, UringReqHeader.OP_IN_BYTES),
          fixedIn, nameCount, payload, header.get(JAVA_INT, UringReqHeader.PAYLOAD_SZ));
    }

    @Override
    public MemorySegment body() {
      return payload;
    }

    @Override
    public void send(long unique, int negErrno, int bodyLength) {
      writeReplyHeader(unique, negErrno, bodyLength);
      // Rides with the loop's next io_uring_enter (the one that waits, when nothing else is due).
      pendingOp = loop.addSqe(commit, this);
    }

    /**
     * The op that fills the payload goes first with IOSQE_IO_LINK, the COMMIT_AND_FETCH carrying the
     * reply right behind it: the kernel starts the commit only once the op completed in full (a short
     * read or an error breaks the link and cancels the commit, so a reply never carries bytes the op
     * did not write).
     */
    @Override
    public boolean sendAfter(SqeOp<?> fill, long unique, int bodyLength, CqeHandler onFill) {
      writeReplyHeader(unique, 0, bodyLength);
      LinkedReply reply = new LinkedReply(bodyLength, onFill);
      loop.addSqe(fill.link(), reply);
      pendingOp = loop.addSqe(commit, reply.commitDone);
      return true;
    }

    /** The reply's {@code fuse_out_header} and payload size, for the entry's next COMMIT_AND_FETCH. */
    private void writeReplyHeader(long unique, int negErrno, int bodyLength) {
      ReplyEncoder.outHeader(header, OutHeader.BYTES + bodyLength, negErrno, unique);
      header.set(JAVA_INT, UringReqHeader.PAYLOAD_SZ, bodyLength);
    }

    @Override
    public void release() {
      // Ring requests always expect an answer; re-arm the entry with an empty one.
      send(RequestView.uniqueOf(header), 0, 0);
    }

    @Override
    public String transportName() {
      return "uring";
    }

    /**
     * One reply linked behind the op that fills its body: the op's completion (this handler), then
     * the commit's ({@link #commitDone}). The kernel posts the op's completion before it starts the
     * commit, so a commit that ran finds {@code filled} set. When the op fell short (or the chain
     * failed as a whole), the commit never ran: its completion, which may arrive before or after the
     * op's own, is dropped, and the filler answers again through {@link #send}.
     */
    private final class LinkedReply implements CqeHandler {
      final int length;
      final CqeHandler onFill;
      boolean filled;
      final CqeHandler commitDone = (res, flags) -> {
        if (filled) {
          RingEntry.this.complete(res, flags);
        }
      };

      LinkedReply(int length, CqeHandler onFill) {
        this.length = length;
        this.onFill = onFill;
      }

      @Override
      public void complete(int res, int flags) {
        filled = res == length;
        onFill.complete(res, flags);
      }
    }
  }
}
