package org.uringfuse.fuse.server;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.api.RequestIo;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.fuse.transport.RequestSlot;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.loop.BounceBuffer;
import org.uringfuse.ring.loop.CqeHandler;
import org.uringfuse.ring.loop.EventLoop;
import org.uringfuse.ring.op.SqePrep;

/**
 * The core of one request in flight, under every reply shape ({@link TypedReplies}): the
 * {@link Request} the filesystem sees, the claim that makes the first answer the only one, and the
 * send. Each opcode's reply is one small final subclass, so a request can only be answered in its
 * own shape.
 *
 * <p>Threads: created on the loop thread. A filesystem may answer from any thread: the body is
 * encoded by the answering thread into the slot's buffer (which nobody else touches until the
 * send), and the send itself is handed to the loop. {@code interrupted} is set from the loop that
 * received the INTERRUPT.
 */
abstract class PendingRequest implements Request, RequestIo {
  private static final VarHandle ANSWERED;
  private static final int[] NO_GROUPS = new int[0];

  static {
    try {
      ANSWERED = MethodHandles.lookup().findVarHandle(PendingRequest.class, "answered", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Session session;
  final RequestSlot slot;
  final long unique;
  final int opcode;
  final int uid;
  final int gid;
  final int pid;
  final EventLoop loop;
  final long startNanos;
  volatile boolean interrupted;
  @SuppressWarnings("unused") // through ANSWERED
  private volatile int answered;

  /** Set by the handlers of the ops that carry them (see {@link Request}). */
  int[] supplementaryGroups = NO_GROUPS;
  boolean killSuidGid;
  /** Size the caller asked for (READ, READDIR, GETXATTR...): replies must not exceed it. */
  int requestedSize = Integer.MAX_VALUE;

  PendingRequest(Session session, RequestSlot slot, RequestView v, EventLoop loop) {
    this.session = session;
    this.slot = slot;
    this.unique = v.unique;
    this.opcode = v.opcode;
    this.uid = v.uid;
    this.gid = v.gid;
    this.pid = v.pid;
    this.loop = loop;
    this.startNanos = System.nanoTime();
  }

  // ------------------------------------------------------------------ Request

  @Override
  public long unique() {
    return unique;
  }

  @Override
  public int opcode() {
    return opcode;
  }

  @Override
  public int uid() {
    return uid;
  }

  @Override
  public int gid() {
    return gid;
  }

  @Override
  public int pid() {
    return pid;
  }

  @Override
  public int[] supplementaryGroups() {
    return supplementaryGroups.clone();
  }

  @Override
  public boolean killSuidGid() {
    return killSuidGid;
  }

  @Override
  public boolean isInterrupted() {
    return interrupted;
  }

  @Override
  public RequestIo io() {
    return this;
  }

  @Override
  public long submit(SqePrep operation, CqeHandler onCompletion) {
    return loop.addSqe(operation, onCompletion);
  }

  @Override
  public BounceBuffer bounceBuffer(long size) {
    return loop.bounceBuffer(size);
  }

  @Override
  public boolean alone() {
    return session.unanswered() == 1 && !loop.hasPendingEvents() && !slot.othersQueued();
  }

  @Override
  public long schedule(long delayNanos, Runnable task) {
    return loop.schedule(delayNanos, task);
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  // ------------------------------------------------------------------ answering

  /** Takes the right to answer, once; returns the reply body. */
  final MemorySegment claim() {
    if (!ANSWERED.compareAndSet(this, 0, 1)) {
      throw new IllegalStateException("request " + unique + " was already answered");
    }
    return slot.body();
  }

  /** Sends the claimed answer, on the loop (handed to it from other threads). */
  final void send(int negErrno, int bodyLength) {
    if (loop.inLoop()) {
      session.complete(this, negErrno, bodyLength);
    } else {
      loop.execute(() -> session.complete(this, negErrno, bodyLength));
    }
  }

  /** The most a reply body may carry: the requested size, within the slot's buffer. */
  final int limit() {
    return (int) Math.min(requestedSize, slot.body().byteSize());
  }

  /** The reply body a filesystem may fill in place: {@link #limit()} bytes of the slot's buffer. */
  public final MemorySegment buffer() {
    return slot.body().asSlice(0, limit());
  }

  /** Common to every reply shape ({@code Replies.Reply#error}). */
  public final void error(int errno) {
    if (errno <= 0 || errno >= 512) {
      failIfUnanswered();
      throw new IllegalArgumentException("errno out of range 1..511: " + errno + " (answered EIO)");
    }
    claim();
    send(-errno, 0);
  }

  /** Answers EIO unless the request was answered already (safety net for filesystem exceptions). */
  final void failIfUnanswered() {
    if (ANSWERED.compareAndSet(this, 0, 1)) {
      send(-Errno.EIO, 0);
    }
  }

  /** Claims and answers EIO for a body that breaks the reply's rules, and throws to tell the filesystem. */
  final IllegalArgumentException refuse(String why) {
    send(-Errno.EIO, 0);
    return new IllegalArgumentException(why);
  }
}
