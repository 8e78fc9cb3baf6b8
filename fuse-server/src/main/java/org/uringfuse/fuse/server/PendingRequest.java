package org.uringfuse.fuse.server;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.uringfuse.fuse.abi.FuseStructs;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.Entry;
import org.uringfuse.fuse.api.Errno;
import org.uringfuse.fuse.api.FileNames;
import org.uringfuse.fuse.api.Replies;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.api.Statfs;
import org.uringfuse.fuse.proto.ReplyEncoder;
import org.uringfuse.fuse.proto.RequestView;
import org.uringfuse.fuse.transport.RequestSlot;
import org.uringfuse.ring.loop.EventLoop;

/**
 * One request in flight: the {@link Request} the filesystem sees and every typed reply at once (one
 * object per request, whatever its reply shape). The first answer wins; a second throws.
 *
 * <p>Threads: created on the loop thread. A filesystem may answer from any thread: the body is
 * encoded by the answering thread into the slot's buffer (which nobody else touches until the
 * send), and the send itself is handed to the loop. {@code interrupted} is set from the loop that
 * received the INTERRUPT.
 */
final class PendingRequest implements Request, Replies.ReplyEmpty, Replies.ReplyEntry, Replies.ReplyAttr,
    Replies.ReplyOpen, Replies.ReplyCreate, Replies.ReplyWrite, Replies.ReplyStatfs, Replies.ReplyLseek,
    Replies.ReplyData, Replies.ReplyXattr, Replies.ReplyDirectory, Replies.ReplyDirectoryPlus,
    Replies.ReplyStatx {

  private static final VarHandle ANSWERED;

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

  /** Set by the dispatcher for the ops that carry them (see {@link Request}). */
  int[] supplementaryGroups = NO_GROUPS;
  boolean killSuidGid;
  private static final int[] NO_GROUPS = new int[0];

  /** Size the caller asked for (READ, READDIR, GETXATTR...): replies must not exceed it. */
  int requestedSize = Integer.MAX_VALUE;
  private int dirUsed;

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
  public EventLoop loop() {
    return loop;
  }

  // ------------------------------------------------------------------ plumbing

  private MemorySegment claim() {
    if (!ANSWERED.compareAndSet(this, 0, 1)) {
      throw new IllegalStateException("request " + unique + " was already answered");
    }
    return slot.body();
  }

  private void send(int negErrno, int bodyLength) {
    if (loop.inLoop()) {
      session.complete(this, negErrno, bodyLength);
    } else {
      loop.execute(() -> session.complete(this, negErrno, bodyLength));
    }
  }

  private int limit() {
    return (int) Math.min(requestedSize, slot.body().byteSize());
  }

  @Override
  public void error(Errno errno) {
    claim();
    send(-errno.value(), 0);
  }

  /** Answers EIO unless the request was answered already (safety net for filesystem exceptions). */
  void failIfUnanswered() {
    if (ANSWERED.compareAndSet(this, 0, 1)) {
      send(-Errno.EIO.value(), 0);
    }
  }

  // ------------------------------------------------------------------ replies

  @Override
  public void ok() {
    claim();
    send(0, dirUsed);   // the listing's length for READDIR(PLUS); 0 for every other request
  }

  @Override
  public void ok(Entry entry) {
    MemorySegment b = claim();
    send(0, ReplyEncoder.entryOut(b, 0, entry));
  }

  @Override
  public void ok(Attr attr, long timeoutNanos) {
    MemorySegment b = claim();
    send(0, ReplyEncoder.attrOut(b, attr, timeoutNanos));
  }

  @Override
  public void ok(long fh, int openFlags) {
    MemorySegment b = claim();
    send(0, ReplyEncoder.openOut(b, 0, fh, openFlags));
  }

  @Override
  public void ok(Entry entry, long fh, int openFlags) {
    MemorySegment b = claim();
    int n = ReplyEncoder.entryOut(b, 0, entry);
    n += ReplyEncoder.openOut(b, n, fh, openFlags);
    send(0, n);
  }

  /** WRITE / COPY_FILE_RANGE byte count, LSEEK offset, or READ length from {@link #buffer()}. */
  @Override
  public void ok(long value) {
    MemorySegment b = claim();
    switch (opcode) {
      case org.uringfuse.fuse.abi.FuseKernel.FUSE_WRITE, org.uringfuse.fuse.abi.FuseKernel.FUSE_COPY_FILE_RANGE -> {
        b.set(JAVA_INT, FuseStructs.WriteOut.SIZE, (int) value);
        b.set(JAVA_INT, FuseStructs.WriteOut.SIZE + 4, 0);
        send(0, FuseStructs.WriteOut.BYTES);
      }
      case org.uringfuse.fuse.abi.FuseKernel.FUSE_LSEEK -> {
        b.set(JAVA_LONG, 0, value);
        send(0, FuseStructs.Lseek.OUT_BYTES);
      }
      default -> {
        if (value < 0 || value > limit()) {
          send(-Errno.EIO.value(), 0);
          throw new IllegalArgumentException("reply length " + value + " outside 0.." + limit());
        }
        send(0, (int) value);
      }
    }
  }

  @Override
  public void ok(Statfs statfs) {
    MemorySegment b = claim();
    send(0, ReplyEncoder.statfs(b, statfs));
  }

  @Override
  public void ok(MemorySegment data) {
    MemorySegment b = claim();
    long n = data.byteSize();
    if (n > limit()) {
      send(-Errno.EIO.value(), 0);
      throw new IllegalArgumentException("reply of " + n + " bytes exceeds the requested " + limit());
    }
    if (data.address() != b.address()) {
      MemorySegment.copy(data, 0, b, 0, n);
    }
    send(0, (int) n);
  }

  @Override
  public void ok(byte[] data) {
    MemorySegment b = claim();
    if (data.length > limit()) {
      send(-Errno.ERANGE.value(), 0);
      return;
    }
    MemorySegment.copy(data, 0, b, JAVA_BYTE, 0, data.length);
    send(0, data.length);
  }

  @Override
  public MemorySegment buffer() {
    return slot.body().asSlice(0, limit());
  }

  @Override
  public void size(int size) {
    MemorySegment b = claim();
    b.set(JAVA_INT, 0, size);
    b.set(JAVA_INT, 4, 0);
    send(0, FuseStructs.Getxattr.BYTES);
  }

  @Override
  public boolean add(long ino, String name, int type, long nextOffset) {
    int n = ReplyEncoder.dirent(slot.body(), dirUsed, limit(), ino, FileNames.encode(name), type, nextOffset);
    if (n < 0) {
      return false;
    }
    dirUsed += n;
    return true;
  }

  @Override
  public boolean add(Entry entry, String name, long nextOffset) {
    int n = ReplyEncoder.direntPlus(slot.body(), dirUsed, limit(), entry, FileNames.encode(name), nextOffset);
    if (n < 0) {
      return false;
    }
    dirUsed += n;
    return true;
  }

  @Override
  public void ok(Attr attr, long btimeSec, int btimeNsec, long timeoutNanos) {
    MemorySegment b = claim();
    send(0, ReplyEncoder.statxOut(b, attr, btimeSec, btimeNsec, timeoutNanos));
  }
}
