package org.uringfuse.fuse.server;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.uringfuse.fuse.abi.FuseKernel.*;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.abi.FuseStructs.InHeader;
import org.uringfuse.fuse.abi.FuseStructs.InitIn;
import org.uringfuse.fuse.abi.FuseStructs.InitOut;
import org.uringfuse.fuse.api.ConnectionInfo;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.proto.MalformedRequestException;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.fuse.transport.RequestSink;
import org.uringfuse.fuse.transport.RequestSlot;
import org.uringfuse.fuse.transport.Transport;
import org.uringfuse.fuse.transport.UringStarter;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.EventLoop;

/**
 * The protocol state of one mount, shared by every transport and loop: INIT negotiation, the one
 * request path (every transport hands each request to {@link #onRequest}, which looks its opcode up
 * once in the {@link Opcode} table, has the slot split it, and runs the opcode's handler with the
 * opcode's reply shape), interrupts, the table of unanswered requests, counters, and the end of the
 * session.
 *
 * <p>Threads: requests arrive on several loop threads at once; the connection info is written once
 * (INIT, before any other request is read) and published through {@link #initDone}. An unanswered
 * request is recorded in its slot ({@link RequestSlot#inFlight}), written by the slot's loop and
 * scanned from any thread (interrupts, a dead loop), and counted in a {@link LongAdder}: no shared
 * table written at every request by every loop. Everything else is immutable or per-request.
 */
public final class Session implements RequestSink {
  private static final System.Logger LOG = System.getLogger(Session.class.getName());
  static final int EPROTO = 71;

  /** Flags uringfuse asks for whenever the kernel offers them. */
  static final long WANTED_FLAGS = FUSE_ASYNC_READ | FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES | FUSE_PARALLEL_DIROPS
      | FUSE_MAX_PAGES | FUSE_HANDLE_KILLPRIV_V2 | FUSE_SETXATTR_EXT | FUSE_INIT_EXT | FUSE_ASYNC_DIO
      | FUSE_AUTO_INVAL_DATA;

  private final Filesystem fs;
  private final MountOptions options;
  private final SessionStats stats = new SessionStats();
  /** Every slot of every transport (they live as long as the session). */
  private final Set<RequestSlot> slots = ConcurrentHashMap.newKeySet();
  /** Requests recorded in their slots and not answered yet. */
  private final LongAdder unanswered = new LongAdder();
  /** Threads in {@link #awaitAllAnswered} (guarded by the monitor of {@code unanswered}; read racily). */
  private volatile int drainWaiters;
  private final Set<Integer> unknownOpcodesLogged = ConcurrentHashMap.newKeySet();
  private final CountDownLatch initDone = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicInteger liveChannels = new AtomicInteger();
  private final AtomicBoolean destroyed = new AtomicBoolean();
  private final boolean debug;
  private volatile ConnectionInfo connection;
  private volatile String uringUnavailableReason = "";
  private UringStarter uring;

  public Session(Filesystem fs, MountOptions options) {
    this.fs = fs;
    this.options = options;
    this.debug = options.debug();
  }

  /** Installs the io_uring transport; call before the first request. */
  public void uringStarter(UringStarter starter) {
    this.uring = starter;
  }

  public String uringUnavailableReason() {
    return uringUnavailableReason;
  }

  public SessionStats stats() {
    return stats;
  }

  public ConnectionInfo connection() {
    return connection;
  }

  public CountDownLatch initLatch() {
    return initDone;
  }

  public CountDownLatch endLatch() {
    return ended;
  }

  /** Requests the filesystem has not answered yet. */
  public int unanswered() {
    return (int) unanswered.sum();
  }

  // ------------------------------------------------------------------ the one request path

  /**
   * Serves {@code transport} until it ends; the session ends (and the filesystem's destroy runs)
   * once every transport it serves has ended.
   */
  public void serve(Transport transport) {
    liveChannels.incrementAndGet();
    transport.ended().thenRun(this::channelEnded);
  }

  @Override
  public void slotCreated(RequestSlot slot) {
    slots.add(slot);
  }

  @Override
  public void onRequest(RequestSlot slot, EventLoop loop) {
    MemorySegment header = slot.header();
    int code = RequestView.opcodeOf(header);
    long unique = RequestView.uniqueOf(header);
    Opcode op = Opcode.of(code);
    if (op == null) {
      if (unknownOpcodesLogged.add(code)) {
        LOG.log(Level.INFO, "answering ENOSYS to unsupported FUSE opcode {0} ({1})", FuseKernel.opcodeName(code), code);
      }
      slot.send(unique, -Errno.ENOSYS, 0);
      return;
    }
    RequestView v;
    try {
      v = slot.parse(fixedIn(op, header), op.nameCount);
    } catch (MalformedRequestException e) {
      LOG.log(Level.WARNING, "malformed {0} request {1}: {2}", op, unique, e.getMessage());
      if (op.replies) {
        slot.send(unique, -Errno.EIO, 0);
      } else {
        slot.release();
      }
      return;
    }
    stats.count(code, slot.transportName());
    if (debug) {
      LOG.log(Level.INFO, "-> {0} unique={1} node={2} uid={3} pid={4} in={5}B payload={6}B via {7}",
          op, v.unique, v.nodeId, v.uid, v.pid, v.opIn.byteSize(), v.payload.byteSize(), slot.transportName());
    }
    if (op.operation == null) {
      if (op == Opcode.INIT) {
        init(slot, v);
      } else {
        interrupt(slot, v);
      }
      return;
    }
    PendingRequest req = op.operation.start(this, slot, v, loop);
    if (op.replies) {
      slot.inFlight(req);
      unanswered.increment();
    }
    try {
      op.operation.run(fs, req, v);
    } catch (MalformedRequestException e) {
      LOG.log(Level.WARNING, "malformed {0} request {1}: {2}", op, unique, e.getMessage());
      req.failIfUnanswered();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "filesystem failed on " + op + " (answered EIO)", e);
      req.failIfUnanswered();
    }
    if (!op.replies) {
      slot.release();
    } else if (op == Opcode.DESTROY) {
      destroyFilesystem();
    }
  }

  /** The op struct's size: INIT's is what arrived (it grew over the versions); SETXATTR's depends on INIT. */
  private int fixedIn(Opcode op, MemorySegment header) {
    if (op == Opcode.INIT) {
      return Math.min(InitIn.BYTES, header.get(JAVA_INT, InHeader.LEN) - InHeader.BYTES);
    }
    ConnectionInfo c = connection;
    return op.fixedIn(c != null && c.has(FUSE_SETXATTR_EXT));
  }

  /** Waits up to {@code bound} until every request has been answered; true if so. */
  boolean awaitAllAnswered(java.time.Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (unanswered) {
      drainWaiters++;
      try {
        while (unanswered.sum() > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(unanswered, left);
        }
        return true;
      } finally {
        drainWaiters--;
      }
    }
  }

  /** Sends an answer; on the request's loop thread. */
  void complete(PendingRequest req, int negErrno, int bodyLength) {
    answered(req, negErrno, bodyLength);
    req.slot.send(req.unique, negErrno, bodyLength);
  }

  /**
   * Records an answer that is sent, or that the transport sent already ({@link RequestSlot#sendAfter}:
   * the slot may hold its next request by now); on the request's loop thread.
   */
  void answered(PendingRequest req, int negErrno, int bodyLength) {
    if (req.slot.inFlight() == req) {
      req.slot.inFlight(null);
    }
    stats.recordLatency(req.opcode, System.nanoTime() - req.startNanos);
    if (negErrno == 0) {
      if (req.opcode == FUSE_READ) {
        stats.bytesRead.add(bodyLength);
      } else if (req.opcode == FUSE_WRITE) {
        stats.bytesWritten.add(req.slot.body().get(JAVA_INT, 0));
      }
    }
    if (debug) {
      LOG.log(Level.INFO, "<- {0} unique={1} error={2} body={3}B after {4} us", FuseKernel.opcodeName(req.opcode),
          req.unique, negErrno == 0 ? "0" : Errno.name(negErrno), bodyLength,
          (System.nanoTime() - req.startNanos) / 1000);
    }
    // Last: whoever sees the count drop sees the request's counters too.
    unanswered.decrement();
    if (drainWaiters > 0 && unanswered.sum() == 0) {
      synchronized (unanswered) {
        unanswered.notifyAll();
      }
    }
  }

  private void interrupt(RequestSlot slot, RequestView v) {
    long target = v.opIn.get(JAVA_LONG, 0);
    PendingRequest t = null;
    for (RequestSlot s : slots) {
      if (s.inFlight() instanceof PendingRequest r && r.unique == target) {
        t = r;
        break;
      }
    }
    if (t != null) {
      t.interrupted = true;
      slot.release();
    } else {
      // Not dispatched yet (it may be on another loop): ask the kernel to send the interrupt again.
      slot.send(v.unique, -Errno.EAGAIN, 0);
    }
  }

  // ------------------------------------------------------------------ INIT

  private void init(RequestSlot slot, RequestView v) {
    // Read all of fuse_init_in first: on /dev/fuse the reply body shares the request's buffer.
    MemorySegment in = v.opIn;
    int major = in.get(JAVA_INT, InitIn.MAJOR);
    int minor = in.get(JAVA_INT, InitIn.MINOR);
    int kernelReadahead = in.get(JAVA_INT, InitIn.MAX_READAHEAD);
    long kernelFlags = Integer.toUnsignedLong(in.get(JAVA_INT, InitIn.FLAGS));
    if ((kernelFlags & FUSE_INIT_EXT) != 0 && in.byteSize() >= InitIn.FLAGS2 + 4) {
      kernelFlags |= Integer.toUnsignedLong(in.get(JAVA_INT, InitIn.FLAGS2)) << 32;
    }
    if (major < FUSE_KERNEL_VERSION) {
      LOG.log(Level.ERROR, "kernel speaks FUSE {0}.{1}; uringfuse needs 7.x", major, minor);
      slot.send(v.unique, -EPROTO, 0);
      return;
    }
    MemorySegment out = slot.body();
    out.asSlice(0, InitOut.BYTES).fill((byte) 0);
    if (major > FUSE_KERNEL_VERSION) {
      // Answer with our major only; the kernel sends INIT again in our version.
      out.set(JAVA_INT, InitOut.MAJOR, FUSE_KERNEL_VERSION);
      out.set(JAVA_INT, InitOut.MINOR, FUSE_KERNEL_MINOR_VERSION);
      slot.send(v.unique, 0, 8);
      return;
    }
    long want = (WANTED_FLAGS | fs.wantedInitFlags()) & ~fs.declinedInitFlags();
    if (!options.defaultPermissions()) {
      // POSIX_ACL would turn the kernel's permission checks on: the mount asked for none.
      want &= ~FUSE_POSIX_ACL;
    }
    if (fs.supportsReaddirplus()) {
      want |= FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO;
    }
    int maxPages = options.maxPages();
    int maxWrite = options.negotiatedMaxWrite();
    int maxReadahead = Math.min(kernelReadahead, maxWrite);
    int maxBackground = Math.min(65535, options.maxBackground());
    int congestion = maxBackground * 3 / 4;
    int outMinor = Math.min(minor, FUSE_KERNEL_MINOR_VERSION);
    ConnectionInfo proposed = new ConnectionInfo(major, outMinor, kernelFlags, want & kernelFlags, maxWrite,
        maxReadahead, maxPages, maxBackground, congestion, 1, false);
    boolean overUring = false;
    if ((kernelFlags & FUSE_OVER_IO_URING) == 0) {
      if (uringUnavailableReason.isEmpty()) {
        uringUnavailableReason = "the kernel did not offer FUSE_OVER_IO_URING in FUSE_INIT";
      }
    } else if (uring != null && uring.prepare(proposed)) {
      want |= FUSE_OVER_IO_URING;
      overUring = true;
    }
    long negotiated = want & kernelFlags;
    ConnectionInfo conn = new ConnectionInfo(major, outMinor, kernelFlags, negotiated, maxWrite, maxReadahead,
        maxPages, maxBackground, congestion, 1, overUring);
    connection = conn;
    fs.init(conn);

    out.set(JAVA_INT, InitOut.MAJOR, FUSE_KERNEL_VERSION);
    out.set(JAVA_INT, InitOut.MINOR, outMinor);
    out.set(JAVA_INT, InitOut.MAX_READAHEAD, maxReadahead);
    out.set(JAVA_INT, InitOut.FLAGS, (int) negotiated);
    out.set(JAVA_SHORT, InitOut.MAX_BACKGROUND, (short) maxBackground);
    out.set(JAVA_SHORT, InitOut.CONGESTION_THRESHOLD, (short) congestion);
    out.set(JAVA_INT, InitOut.MAX_WRITE, maxWrite);
    out.set(JAVA_INT, InitOut.TIME_GRAN, 1);
    out.set(JAVA_SHORT, InitOut.MAX_PAGES, (short) maxPages);
    out.set(JAVA_INT, InitOut.FLAGS2, (int) (negotiated >>> 32));
    int size = minor < 5 ? 8 : minor < 23 ? 24 : InitOut.BYTES;
    if (debug) {
      LOG.log(Level.INFO, "INIT: kernel 7.{0} flags 0x{1}; answering 7.{2} flags 0x{3} max_write {4}",
          minor, Long.toHexString(kernelFlags), outMinor, Long.toHexString(negotiated), maxWrite);
    }
    slot.send(v.unique, 0, size);
    if (overUring) {
      serve(uring);
      uring.start(conn);
    }
    initDone.countDown();
  }

  // ------------------------------------------------------------------ end of session

  private void channelEnded() {
    if (liveChannels.decrementAndGet() <= 0) {
      destroyFilesystem();
      ended.countDown();
    }
  }

  /**
   * A loop died: its requests can never be answered (the connection is aborted), so they are
   * dropped, and the session ends without waiting for that loop's channels, which never will.
   */
  void abandonLoop(EventLoop dead) {
    for (RequestSlot s : slots) {
      if (s.inFlight() instanceof PendingRequest r && r.loop == dead) {
        s.inFlight(null);
        unanswered.decrement();
      }
    }
    synchronized (unanswered) {
      unanswered.notifyAll();
    }
    ended.countDown();
  }

  private void destroyFilesystem() {
    if (destroyed.compareAndSet(false, true)) {
      try {
        fs.destroy();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "filesystem destroy() failed", e);
      }
    }
  }
}
