package org.uringfuse.fuse.transport;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.abi.FuseStructs.InHeader;
import org.uringfuse.fuse.abi.FuseStructs.OutHeader;
import org.uringfuse.fuse.abi.FuseStructs.ReadWriteIn;
import org.uringfuse.fuse.proto.MalformedRequestException;
import org.uringfuse.fuse.proto.ReplyEncoder;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.loop.FdWatch;
import org.uringfuse.ring.op.PollAdd;
import org.uringfuse.ring.sys.LibC;

/**
 * The classic transport on one event loop: one {@code /dev/fuse} fd (the session's, or a
 * {@code FUSE_DEV_IOC_CLONE}d one per loop) and a pool of request buffers. Each request is read
 * whole into a free buffer and answered with one write of {@code fuse_out_header} + body from the
 * same buffer.
 *
 * <p>Buffer layout: the request is read {@link #REQUEST_HEADROOM} bytes before a page boundary, so
 * a WRITE's data (after {@code fuse_in_header} and {@code fuse_write_in}, 80 bytes) starts on the
 * page; the reply's {@code fuse_out_header} is written 16 bytes before that boundary, so its body
 * starts on the page too. O_DIRECT reads and writes of the backing file use the buffer as it is.
 *
 * <p>Reading: the non-blocking fd is watched with a level-triggered POLL_ADD on the loop's ring and
 * read until EAGAIN (QEMU's model), unless reading on has stopped paying ({@link #readOn}). All
 * loops' clones share the connection's one input queue, so the polls are {@code EPOLLEXCLUSIVE}: a
 * request wakes one loop, not all of them (with every loop woken for every request, the classic
 * transport ran at a third of libfuse's speed at depth 1).
 * (An IORING_OP_READ kept in flight per buffer on a blocking fd was tried: /dev/fuse has no
 * FMODE_NOWAIT, so every such read parks an io-wq worker, and under fio at depth 1 it stalled.)
 * When every buffer is busy the channel stops watching until one is answered.
 *
 * <p>Leader and followers ({@link #chain}). The kernel's wait queue is FIFO: a loop that re-arms its
 * one-shot poll after serving goes behind the others, so with every loop listening, depth-1
 * requests went to the loops in turn. Each request then woke a loop that had just slept, on the
 * other CPU, whose poll met the client still holding the input queue's lock ({@code fiq->lock} is
 * held across the wake-up in {@code fuse_dev_queue_req}): on this VM a spin-lock convoy that made
 * depth-1 rounds swing between 5K and 30K IOPS. So the first channel always listens, and each next
 * one listens only while the one before it is busy. It is engaged when the one before reads a
 * request while another is unanswered, one from another thread than the request before it, or a
 * READ or WRITE of {@value #BULK_BYTES} bytes or more. (Requests answered synchronously are never
 * unanswered at the next read, and counting requests per wake-up does not work either: under
 * SCHED_IDLE the client preempts the loop at each reply and queues its next request before the loop
 * reads again.) It stops listening once, looking at every {@value #LEADER_CHECK_INTERVAL}th request
 * it reads, it found {@value #IDLE_LEADER_CHECKS} times in a row that the request came from the
 * thread the one before served last while that one had none unanswered: a depth-1 client that the
 * wait queue was handing to both. A depth-1 client stays with one loop; concurrent clients spread
 * over them.
 *
 * <p>Threads: reading, answering and the decision to stop listening run on the owning loop's thread,
 * and nobody else reads the fd. {@link #inFlight} and {@link #lastPid} are written there and read by
 * the next channel; {@link #engaged} is set by the channel before (which then hands the start of
 * listening to this channel's loop) and cleared on this channel's loop. A follower that stops asks
 * the channel before, on that channel's loop, to read what is queued.
 */
public final class DevFuseChannel implements Transport {
  private static final System.Logger LOG = System.getLogger(DevFuseChannel.class.getName());
  /** {@code fuse_in_header} + {@code fuse_write_in}: what precedes a WRITE's data (80 bytes). */
  static final int REQUEST_HEADROOM = InHeader.BYTES + ReadWriteIn.BYTES;
  private static final int PAGE = 4096;
  /** A follower looks at the channel before at every this many requests it reads. */
  static final int LEADER_CHECK_INTERVAL = 8;
  /**
   * Looks in a row that found the channel before idle and last serving the same client thread,
   * after which a follower stops listening.
   */
  static final int IDLE_LEADER_CHECKS = 4;
  /**
   * A transfer from which on a request engages the next channel even from a client at depth 1: its
   * copies take longer than handing the next request to another CPU (a depth-4 reader of 128 KiB
   * blocks, answered synchronously from the page cache, kept one loop busy and ran at 0.57x).
   */
  static final int BULK_BYTES = 32 * 1024;
  /**
   * Reads after an answered request that found nothing, in a row, after which the channel stops
   * reading on and lets the re-armed poll report the next request.
   */
  static final int FRUITLESS_READS_TO_STOP = 4;
  /** While it does not read on, the channel still tries at every this many requests. */
  static final int READ_ON_PROBE_INTERVAL = 16;

  private final String name;
  private final int fd;
  private final EventLoop loop;
  private final RequestSink sink;
  private final Arena arena = Arena.ofShared();
  private final ArrayDeque<Slot> free = new ArrayDeque<>();
  /** poll(2) scratch for {@link Slot#othersQueued}; loop thread. */
  private final MemorySegment pollfd = arena.allocate(LibC.POLLFD_BYTES, 4);
  private final int maxBuffers;
  private final int bufferSize;
  private int allocated;
  private final CompletableFuture<Integer> endedWith = new CompletableFuture<>();
  private FdWatch watch;
  private boolean ended;
  /** The channel this one engages while busy; null for the last. */
  private DevFuseChannel next;
  /** The channel whose load engages this one; null for the first, which always listens. */
  private DevFuseChannel previous;
  /** Requests read and not yet answered. */
  private volatile int inFlight;
  /** Requests read (written by this loop), and times this follower was made to listen (written by the channel before): for stats. */
  private volatile long requests;
  private volatile long engagements;
  /** A follower's: set by the channel before to make it listen, cleared when it stops listening. */
  private final AtomicBoolean engaged = new AtomicBoolean();
  private int idleLeaderChecks;
  /** Reads after a request that found nothing, in a row ({@link #readOn}). */
  private int fruitlessReads;
  private long requestsSinceProbe;
  private long followerReads;
  /** The thread that sent the last request read here (read by the next channel). */
  private volatile int lastPid;

  /**
   * @param fd a non-blocking {@code /dev/fuse} fd
   * @param buffers the most requests this channel holds at once
   * @param bufferSize at least {@code max(8192, 80 + max_write)}, or the kernel refuses the read
   */
  public DevFuseChannel(String name, int fd, EventLoop loop, RequestSink sink, int buffers, int bufferSize) {
    this.name = name;
    this.fd = fd;
    this.loop = loop;
    this.sink = sink;
    this.maxBuffers = buffers;
    this.bufferSize = bufferSize;
  }

  /**
   * A free buffer: a recycled one, or a new one while fewer than {@code buffers} exist (they are
   * made as requests come, so a session whose requests mostly travel over io_uring keeps one or two
   * here instead of the whole pool); null when all are busy.
   */
  private Slot freeSlot() {
    Slot s = free.poll();
    if (s == null && allocated < maxBuffers) {
      allocated++;
      s = new Slot(LibC.mapAnonymous(PAGE + bufferSize, arena), bufferSize);
      sink.slotCreated(s);
    }
    return s;
  }

  /**
   * Orders the channels of one connection: the first always listens, each next one only while the
   * one before it is busy (see above). Call before {@link #start}.
   */
  public static void chain(List<DevFuseChannel> channels) {
    for (int i = 0; i + 1 < channels.size(); i++) {
      channels.get(i).next = channels.get(i + 1);
      channels.get(i + 1).previous = channels.get(i);
    }
  }

  /** Starts reading (a follower: once engaged); loop thread. */
  public void start() {
    resumePolling();
  }

  /** Stops reading (the loop's close cancels what is in flight); loop thread. */
  public void stop() {
    ended = true;
    if (watch != null) {
      watch.close();
      watch = null;
    }
  }

  public int fd() {
    return fd;
  }

  /** Requests this channel read; any thread. */
  public long requests() {
    return requests;
  }

  /** Times this follower was made to listen (0 for the first channel, which always listens); any thread. */
  public long engagements() {
    return engagements;
  }

  @Override
  public CompletableFuture<Integer> ended() {
    return endedWith;
  }

  /** Frees the buffers; call after the loop is closed. */
  @Override
  public void freeBuffers() {
    arena.close();
  }

  private void resumePolling() {
    if (!ended && watch == null && (previous == null || engaged.get())) {
      watch = loop.watchFd(fd, PollAdd.POLLIN | PollAdd.EPOLLEXCLUSIVE, this::onReadable);
    }
  }

  /** Makes the next channel listen, unless it already does or was asked to; any thread. */
  private void engageNext() {
    DevFuseChannel n = next;
    if (n != null && !n.engaged.get() && n.engaged.compareAndSet(false, true)) {
      n.engagements++;
      n.onLoop(n::resumePolling);
    }
  }

  /** Runs {@code task} on this channel's loop, unless that loop is closing (the connection is ending); any thread. */
  private void onLoop(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException closing) {
      // nothing left to read
    }
  }

  /**
   * Called for each request a follower reads ({@code pid} sent it; {@code bulk}: a large READ or
   * WRITE). At every {@link #LEADER_CHECK_INTERVAL}th other one it looks at the channel before;
   * after {@link #IDLE_LEADER_CHECKS} looks in a row that found it idle and last serving the same
   * thread, the follower stops listening (and reading: a client that its replies wake on this CPU
   * can keep one pass of reads going for as long as it runs). Returns whether it still listens;
   * loop thread.
   */
  private boolean stillNeeded(int pid, boolean bulk) {
    if (bulk) {
      // what engages a follower keeps it: a single reader of large blocks at depth 4 looks like a
      // depth-1 client otherwise (same thread, and the one before idle between its synchronous reads)
      idleLeaderChecks = 0;
      return true;
    }
    // Not at every request: the channel before writes those fields at every request, and reading
    // them here at every request too moved their cache lines between the CPUs (2 clients on 2 CPUs:
    // 0.94x the IOPS of not looking).
    if (++followerReads % LEADER_CHECK_INTERVAL != 0) {
      return true;
    }
    // Looked at when the request is taken: at depth 1 the one before has just answered (checked
    // later, it is often busy with the client's next request already). Two clients, each served
    // by its own loop, leave the one before idle now and then too, but never from the same thread.
    boolean sameClientAsIdleLeader = previous.inFlight == 0 && previous.lastPid == pid;
    idleLeaderChecks = sameClientAsIdleLeader ? idleLeaderChecks + 1 : 0;
    if (idleLeaderChecks < IDLE_LEADER_CHECKS) {
      return true;
    }
    idleLeaderChecks = 0;
    // Engaged again from here on, the channel before queues resumePolling behind this.
    engaged.set(false);
    watch.close();
    watch = null;
    // fuse wakes its readers without a poll mask, so io_uring takes a woken one-shot poll off the
    // wait queue only when its task work runs: until then every wake-up went to this channel's
    // poll. Requests queued behind this one may have had theirs taken that way; the channel
    // before reads them, or they would wait for the next request's wake-up.
    previous.readQueued();
    return false;
  }

  /** Has this channel, or the nearest one before it that listens, read what is queued; any thread. */
  private void readQueued() {
    onLoop(() -> {
      if (watch != null) {
        // to EAGAIN: the wake-ups of what is queued went to the poll that stopped
        readRequests(true);
      } else if (previous != null) {
        previous.readQueued();
      }
    });
  }

  /** A request of at least {@link #BULK_BYTES} (a WRITE's data), or a READ asking for as much. */
  private static boolean isBulk(MemorySegment request, long length) {
    return length >= BULK_BYTES
        || request.get(JAVA_INT, InHeader.OPCODE) == FuseKernel.FUSE_READ
        && request.get(JAVA_INT, InHeader.BYTES + ReadWriteIn.SIZE) >= BULK_BYTES;
  }

  private void onReadable(int revents) {
    readRequests(false);
  }

  /** Reads and dispatches requests: until EAGAIN when {@code drain}, else while {@link #readOn} says so. */
  private void readRequests(boolean drain) {
    boolean readingOn = false;  // the next read follows a request this pass read
    while (!ended) {
      Slot s = freeSlot();
      if (s == null) {
        // Every buffer holds a request: stop watching until one is answered.
        watch.close();
        watch = null;
        return;
      }
      long n = LibC.read(fd, s.request, s.request.byteSize());
      if (n >= InHeader.BYTES) {
        if (readingOn) {
          fruitlessReads = 0;
        }
        s.length = (int) n;
        inFlight++;
        requests++;
        int pid = s.request.get(JAVA_INT, InHeader.PID);
        boolean bulk = isBulk(s.request, n);
        if (inFlight > 1 || pid != lastPid || bulk) {
          engageNext();
        }
        lastPid = pid;
        boolean listening = previous == null || stillNeeded(pid, bulk);
        sink.onRequest(s, loop);
        if (!listening || !drain && !readOn()) {
          return;
        }
        readingOn = true;
        continue;
      }
      free.addFirst(s);
      if (n > 0) {
        LOG.log(Level.WARNING, "{0}: dropping a {1}-byte read: shorter than fuse_in_header", name, n);
        continue;
      }
      if (n == -Errno.EAGAIN) {
        if (readingOn) {
          fruitlessReads++;
        }
        return;
      }
      if (n != -Errno.EINTR && n != -Errno.ENOENT) {
        end((int) n);
        return;
      }
    }
  }

  /**
   * Whether to read again after a request, before the poll says there is more. Under load that read
   * finds the next request and saves a poll; at depth 1 it finds nothing (the client is still
   * waiting for the answer just sent), and the channel then pays a read, a poll and a wait for each
   * request instead of a poll and a wait: 5 system calls per request against libfuse's 3. So after
   * {@value #FRUITLESS_READS_TO_STOP} such reads in a row found nothing, the channel reads again
   * only at every {@value #READ_ON_PROBE_INTERVAL}th request, until one finds a request again. The
   * re-armed poll reports a request already queued at once. Loop thread.
   */
  private boolean readOn() {
    if (fruitlessReads < FRUITLESS_READS_TO_STOP) {
      return true;
    }
    if (++requestsSinceProbe < READ_ON_PROBE_INTERVAL) {
      return false;
    }
    requestsSinceProbe = 0;
    return true;
  }

  private void end(int negErrno) {
    if (ended) {
      return;
    }
    stop();
    // The next channel may not be listening: make it read, so it sees the end too.
    if (next != null) {
      next.engaged.set(true);
      next.onLoop(next::resumePolling);
    }
    if (negErrno != -Errno.ENODEV && negErrno != -Errno.ECONNABORTED) {
      LOG.log(Level.WARNING, "{0}: /dev/fuse read failed: {1}", name, Errno.describe(negErrno));
    }
    endedWith.complete(negErrno);
  }

  /** One request buffer: request in, reply out, laid out around a page boundary (see above). */
  private final class Slot extends RequestSlot {
    final MemorySegment request;
    final MemorySegment reply;
    final MemorySegment body;
    int length;

    /** {@code memory}: {@code PAGE + bufferSize} bytes, page aligned. */
    Slot(MemorySegment memory, int bufferSize) {
      this.request = memory.asSlice(PAGE - REQUEST_HEADROOM, bufferSize);
      this.reply = memory.asSlice(PAGE - OutHeader.BYTES);
      this.body = memory.asSlice(PAGE, bufferSize - REQUEST_HEADROOM);
    }

    @Override
    public MemorySegment header() {
      return request;
    }

    @Override
    public RequestView parse(int fixedIn, int nameCount) throws MalformedRequestException {
      return RequestView.parseDevice(request, length, fixedIn, nameCount);
    }

    @Override
    public MemorySegment body() {
      return body;
    }

    /**
     * The connection's input queue, which every clone of the fd shares, holds a request: poll(2)
     * on the fd. Asked only before a call that would wait on the loop (an O_DIRECT pread or pwrite
     * of a disk file, some 100 us), so the system call is cheap beside it; without it a depth-8
     * client on ext4 had each of its requests wait for the pread of the one before (0.55x libfuse's
     * classic server, whose threads each block in their own pread).
     */
    @Override
    public boolean othersQueued() {
      return LibC.readableNow(fd, pollfd);
    }

    @Override
    public void send(long unique, int negErrno, int bodyLength) {
      int total = OutHeader.BYTES + bodyLength;
      ReplyEncoder.outHeader(reply, total, negErrno, unique);
      // Answered before the write: the write wakes the client, whose next request may reach a
      // follower before this thread is back, and must find this channel idle (depth 1).
      inFlight--;
      long w = LibC.write(fd, reply, total);
      if (w < 0 && w != -Errno.ENOENT && !ended) {
        // ENOENT: the request was interrupted or aborted meanwhile; nothing to do.
        LOG.log(Level.WARNING, "{0}: reply to {1} failed: {2}", name, unique, Errno.describe((int) w));
      }
      recycle();
    }

    @Override
    public void release() {
      inFlight--;
      recycle();
    }

    private void recycle() {
      free.add(this);
      resumePolling();
    }

    @Override
    public String transportName() {
      return "classic";
    }
  }
}
