package org.uringfuse.fuse.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.uringfuse.fuse.FuseUringSupport;
import org.uringfuse.fuse.api.ConnectionInfo;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.transport.DevFuseChannel;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.fuse.transport.UringQueues;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.RingOptions;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.loop.EventLoops;
import org.uringfuse.ring.loop.LoopOptions;
import org.uringfuse.ring.sys.LibC;

/**
 * A mounted, served filesystem: the entry point of the API.
 *
 * <pre>{@code
 * try (FuseServer server = FuseServer.start(new MyFs(), Path.of("/mnt/x"), MountOptions.defaults())) {
 *   server.awaitTermination(Duration.ofDays(365));   // until someone unmounts
 * }
 * }</pre>
 *
 * <p>{@link #start} returns once the kernel's FUSE_INIT was answered (the mount is live).
 * {@link #close()} unmounts (aborting the connection first if files are still open), waits bounded
 * for the channels to see the end, closes the event loops (cancel, drain) and frees the buffers.
 *
 * <p>Threads: start/close from any one managing thread; the filesystem runs on the loop threads.
 */
public final class FuseServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FuseServer.class.getName());
  private static final Duration INIT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration END_TIMEOUT = Duration.ofSeconds(5);
  /** How long close() waits for answers still being made on filesystem threads. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

  private final Session session;
  private final FuseMount mount;
  private final MountOptions options;
  private final List<EventLoop> loops = new ArrayList<>();
  private final List<DevFuseChannel> channels = new ArrayList<>();
  private volatile Throwable failure;
  private volatile String classicReason = "";
  private UringQueues uring;
  private ControlSocket control;
  private boolean closed;

  private FuseServer(Session session, FuseMount mount, MountOptions options) {
    this.session = session;
    this.mount = mount;
    this.options = options;
  }

  /** Mounts {@code fs} at {@code mountpoint} and serves it until {@link #close()} or an unmount. */
  public static FuseServer start(Filesystem fs, Path mountpoint, MountOptions options) throws IOException {
    if (options.transport() == TransportKind.URING) {
      FuseUringSupport.Status s = FuseUringSupport.check();
      if (!s.usable()) {
        throw new FuseUringUnavailableException(s.reason());
      }
    }
    Session session = new Session(fs, options);
    FuseMount mount = FuseMount.mount(mountpoint, options);
    FuseServer server = new FuseServer(session, mount, options);
    try {
      server.serve();
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void serve() throws IOException {
    LoopOptions loopOptions = LoopOptions.defaults().withPoll(options.poll()).withSched(options.sched());
    int cpus = possibleCpus();
    if (options.transport() != TransportKind.CLASSIC) {
      int cq = Math.max(1024, Integer.highestOneBit(options.queueDepth() * cpus * 2) * 2);
      // No DEFER_TASKRUN/COOP_TASKRUN/SINGLE_ISSUER on FUSE rings: the kernel delivers requests as
      // task work, and plain task work measured faster with several clients per CPU (4 psync jobs on
      // 2 CPUs: 94K against 73K IOPS in interleaved rounds; libfuse leaves them off for its rings too).
      loopOptions = loopOptions.withRing(RingOptions.defaults().sqe128().plainTaskrun().singleIssuer(false)
          .withCqEntries(Math.min(cq, 65536)));
    }
    for (int i = 0; i < options.threads(); i++) {
      loops.add(EventLoops.start("uringfuse-loop-" + i, loopOptions, this::loopDied));
    }
    if (options.transport() != TransportKind.CLASSIC && loops.size() == cpus) {
      // Queue q is served by loop q: keeping loop q on CPU q makes a request's hand-off to the
      // server, and the reply's wake-up of the client, same-CPU events (libfuse pins its queue threads).
      for (int i = 0; i < loops.size(); i++) {
        int cpu = i;
        loops.get(i).execute(() -> LibC.pinCurrentThread(cpu));
      }
    }
    int[] fds = new int[loops.size()];
    for (int i = 0; i < loops.size(); i++) {
      fds[i] = i == 0 ? mount.deviceFd() : mount.cloneDevice();
    }
    if (options.transport() != TransportKind.CLASSIC) {
      uring = new UringQueues(session, loops, fds, options.queueDepth());
      session.uringStarter(uring);
    }
    for (int i = 0; i < loops.size(); i++) {
      int fd = fds[i];
      DevFuseChannel ch = new DevFuseChannel("classic-" + i, fd, loops.get(i), session,
          options.buffersPerLoop(), options.deviceBufferSize());
      channels.add(ch);
      session.serve(ch);
    }
    DevFuseChannel.chain(channels);
    for (int i = 0; i < loops.size(); i++) {
      loops.get(i).execute(channels.get(i)::start);
    }
    try {
      if (!session.initLatch().await(INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("the kernel sent no FUSE_INIT within " + INIT_TIMEOUT + " after mounting " + mount.mountpoint());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for FUSE_INIT", e);
    }
    ConnectionInfo c = session.connection();
    if (!c.overIoUring()) {
      String why = uring != null && !uring.unavailableReason().isEmpty()
          ? uring.unavailableReason() : session.uringUnavailableReason();
      if (options.transport() == TransportKind.URING) {
        throw new FuseUringUnavailableException(why);
      }
      if (options.transport() == TransportKind.AUTO) {
        // the kernel's "not offered" says little: the machine check names the cause and the fix
        FuseUringSupport.Status machine = FuseUringSupport.check();
        classicReason = machine.usable() ? why : machine.reason();
        LOG.log(Level.INFO, "serving {0} over /dev/fuse: FUSE-over-io_uring not used ({1})",
            mount.mountpoint(), classicReason);
      }
    }
  }

  /** Why FUSE-over-io_uring is not in use (empty when it is, or when classic was asked for). */
  public String classicReason() {
    return classicReason;
  }

  /** The kernel's queue count (possible CPUs); the online count if /sys cannot be read. */
  static int possibleCpus() {
    try {
      return UringQueues.possibleCpus();
    } catch (IOException e) {
      return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
  }

  /** The event loops serving this mount (for transports and filesystems that submit their own SQEs). */
  public List<EventLoop> loops() {
    return List.copyOf(loops);
  }

  /** The /dev/fuse channels, one per loop, in leader-first order (see {@link DevFuseChannel#chain}). */
  public List<DevFuseChannel> classicChannels() {
    return List.copyOf(channels);
  }

  /** The io_uring transport's queues, when FUSE-over-io_uring is in use. */
  public java.util.Optional<UringQueues> uringQueues() {
    return session.connection() != null && session.connection().overIoUring()
        ? java.util.Optional.of(uring) : java.util.Optional.empty();
  }

  /** "uring" when FUSE-over-io_uring was negotiated, else "classic". */
  public String transport() {
    return session.connection().overIoUring() ? "uring" : "classic";
  }

  public ConnectionInfo connection() {
    return session.connection();
  }

  public SessionStats stats() {
    return session.stats();
  }

  public Path mountpoint() {
    return mount.mountpoint();
  }

  /** Requests the filesystem has not answered (0 after a clean unmount). */
  public int unansweredRequests() {
    return session.unanswered();
  }

  /**
   * A loop thread died: its queue would hang every request sent to it. The connection is aborted
   * (every waiting caller gets ENOTCONN at once), the session ends, and {@link #failure} says why.
   */
  private void loopDied(Throwable death) {
    failure = death;
    LOG.log(Level.ERROR, "{0}: an event loop died ({1}); aborting the connection", mount.mountpoint(), death.toString());
    mount.abort();
    loops.stream().filter(l -> l.ownerThread() == Thread.currentThread()).findFirst().ifPresent(session::abandonLoop);
  }

  /** Why the server stopped serving on its own (a dead event loop), if it did. */
  public java.util.Optional<Throwable> failure() {
    return java.util.Optional.ofNullable(failure);
  }

  /** Waits until the session ended (unmounted or aborted from outside, or closed). */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return session.endLatch().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Serves {@link #statsReport()} on a root-only unix socket ({@code /run/uringfuse/...}) for
   * {@code uringfuse stats}, on this mount's first event loop. Returns the socket's path.
   */
  public synchronized Path enableControlSocket() throws IOException {
    if (control == null) {
      control = ControlSocket.start(loops.get(0), mount.mountpoint(), this::statsReport);
    }
    return control.path();
  }

  /** A human-readable report: transport, queues, in flight, bytes, and per-opcode counts and latencies. */
  public String statsReport() {
    return StatsReport.of(this);
  }

  MountOptions options() {
    return options;
  }

  /** True while the mountpoint is mounted by this server's connection. */
  public boolean isMounted() {
    return mount.isMounted();
  }

  /** True once every channel saw the end of the connection. */
  public boolean isTerminated() {
    return session.endLatch().getCount() == 0;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (control != null) {
      control.close();
    }
    int r = mount.unmount(true);
    if (r < 0) {
      LOG.log(Level.WARNING, "unmount of {0} failed: {1}", mount.mountpoint(), Errno.describe(r));
    }
    if (!awaitEnd(END_TIMEOUT)) {
      LOG.log(Level.WARNING, "{0}: channels still open {1} after unmount; aborting the connection",
          mount.mountpoint(), END_TIMEOUT);
      mount.abort();
      if (!awaitEnd(Duration.ofSeconds(2))) {
        LOG.log(Level.WARNING, "{0}: channels did not end; closing the loops anyway", mount.mountpoint());
      }
    }
    // A filesystem answering from its own threads may still be writing a reply into a request
    // buffer: wait for the answers (the loops still take them), and never free a buffer in use.
    boolean answered = awaitAnswers(ANSWER_TIMEOUT);
    if (!answered) {
      LOG.log(Level.WARNING, "{0}: {1} requests still unanswered {2} after the end; their buffers stay "
          + "allocated", mount.mountpoint(), session.unanswered(), ANSWER_TIMEOUT);
    }
    for (EventLoop loop : loops) {
      loop.close();
    }
    if (uring != null && answered) {
      uring.freeBuffers();
    }
    for (int i = 0; i < channels.size(); i++) {
      if (answered) {
        channels.get(i).freeBuffers();
      }
      if (i > 0) {
        LibC.close(channels.get(i).fd());
      }
    }
    mount.closeDevice();
  }

  private boolean awaitAnswers(Duration bound) {
    try {
      return session.awaitAllAnswered(bound);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean awaitEnd(Duration d) {
    if (channels.isEmpty()) {
      return true;
    }
    try {
      return session.endLatch().await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
