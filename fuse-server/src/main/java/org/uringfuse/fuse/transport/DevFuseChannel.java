package org.uringfuse.fuse.transport;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
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
 * read until EAGAIN (QEMU's model). All loops' clones share the connection's one input queue, so the
 * polls are {@code EPOLLEXCLUSIVE}: a request wakes one loop, not all of them (with every loop woken
 * for every request, the classic transport ran at a third of libfuse's speed at depth 1).
 * (An IORING_OP_READ kept in flight per buffer on a blocking fd was tried: /dev/fuse has no
 * FMODE_NOWAIT, so every such read parks an io-wq worker, and under fio at depth 1 it stalled.)
 * When every buffer is busy the channel stops watching until one is answered.
 *
 * <p>Threads: everything runs on the owning loop's thread; the fd is also read by nobody else.
 */
public final class DevFuseChannel implements Transport {
  private static final System.Logger LOG = System.getLogger(DevFuseChannel.class.getName());
  /** {@code fuse_in_header} + {@code fuse_write_in}: what precedes a WRITE's data (80 bytes). */
  static final int REQUEST_HEADROOM = InHeader.BYTES + ReadWriteIn.BYTES;
  private static final int PAGE = 4096;

  private final String name;
  private final int fd;
  private final EventLoop loop;
  private final RequestSink sink;
  private final Arena arena = Arena.ofShared();
  private final ArrayDeque<Slot> free = new ArrayDeque<>();
  private final int maxBuffers;
  private final int bufferSize;
  private int allocated;
  private final CompletableFuture<Integer> endedWith = new CompletableFuture<>();
  private FdWatch watch;
  private boolean ended;

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

  /** Starts reading; loop thread. */
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
    if (!ended && watch == null) {
      watch = loop.watchFd(fd, PollAdd.POLLIN | PollAdd.EPOLLEXCLUSIVE, this::onReadable);
    }
  }

  private void onReadable(int revents) {
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
        s.length = (int) n;
        sink.onRequest(s, loop);
        continue;
      }
      free.addFirst(s);
      if (n > 0) {
        LOG.log(Level.WARNING, "{0}: dropping a {1}-byte read: shorter than fuse_in_header", name, n);
        continue;
      }
      if (n == -Errno.EAGAIN) {
        return;
      }
      if (n != -Errno.EINTR && n != -Errno.ENOENT) {
        end((int) n);
        return;
      }
    }
  }

  private void end(int negErrno) {
    if (ended) {
      return;
    }
    stop();
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

    @Override
    public void send(long unique, int negErrno, int bodyLength) {
      int total = OutHeader.BYTES + bodyLength;
      ReplyEncoder.outHeader(reply, total, negErrno, unique);
      long w = LibC.write(fd, reply, total);
      if (w < 0 && w != -Errno.ENOENT && !ended) {
        // ENOENT: the request was interrupted or aborted meanwhile; nothing to do.
        LOG.log(Level.WARNING, "{0}: reply to {1} failed: {2}", name, unique, Errno.describe((int) w));
      }
      release();
    }

    @Override
    public void release() {
      free.add(this);
      resumePolling();
    }

    @Override
    public String transportName() {
      return "classic";
    }
  }
}
