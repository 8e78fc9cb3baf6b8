package org.uringfuse.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.uringfuse.ring.abi.IoUringConstants.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.uringfuse.ring.abi.Cqe;
import org.uringfuse.ring.abi.IoUringParams;
import org.uringfuse.ring.abi.KernelTimespec;
import org.uringfuse.ring.abi.Sqe;
import org.uringfuse.ring.sys.IoUringSyscalls;
import org.uringfuse.ring.sys.LibC;

/**
 * One io_uring instance: the mapped SQ, CQ and SQE array, and the only code that touches the shared
 * head/tail indices.
 *
 * <p>Threads: a Ring is not thread-safe. One thread (the owner, normally an {@code EventLoop}) gets
 * SQEs, submits and reaps, and it must be the thread that created the ring: the ring is registered
 * with that thread (IORING_REGISTER_RING_FDS), and io_uring_enter and close go through that
 * registration. Ordering follows liburing: SQE bytes are written with plain stores and the SQ tail
 * is published with one release store per batch; the CQ tail is read with an acquire load and
 * the CQ head published with a release store after the CQEs were copied out.
 */
public final class Ring implements AutoCloseable {
  private static final VarHandle INT = JAVA_INT.varHandle();
  private static final int GETEVENTS_ARG_BYTES = 24;

  private final int fd;
  /** What io_uring_enter is given: the ring's slot among the owner thread's registered rings, or its fd. */
  private final int enterFd;
  /**
   * Flags every io_uring_enter carries: IORING_ENTER_REGISTERED_RING when {@link #enterFd} is a
   * slot, and IORING_ENTER_NO_IOWAIT when the kernel has it (6.15+, IORING_FEAT_NO_IOWAIT). Without
   * the latter, a thread waiting on a ring with operations in flight counts as waiting for I/O: an
   * idle mount (its FUSE commands and polls are always in flight) showed as 100% iowait in top and
   * one blocked process per loop in vmstat.
   */
  private final int alwaysEnterFlags;
  private final int flags;
  private final int features;
  private final int sqEntries;
  private final int cqEntries;
  private final int sqMask;
  private final int cqMask;
  private final int sqeBytes;
  private final int cqeShift;
  private final MemorySegment sqRing;
  private final MemorySegment cqRing;
  private final MemorySegment sqeArray;
  private final MemorySegment[] sqeSlots;
  private final long sqHeadOff;
  private final long sqTailOff;
  private final long sqFlagsOff;
  private final long sqDroppedOff;
  private final long cqHeadOff;
  private final long cqTailOff;
  private final long cqOverflowOff;
  private final long cqesOff;
  private final Arena scratchArena = Arena.ofShared();
  private final MemorySegment geteventsArg;
  private final MemorySegment waitTimespec;

  private int sqeTail;   // next SQE slot to hand out; published to the kernel by flush()
  private int cqHead;    // our copy of the CQ head
  private boolean closed;

  private Ring(int fd, MemorySegment params) {
    this.fd = fd;
    this.flags = params.get(JAVA_INT, IoUringParams.FLAGS);
    this.features = params.get(JAVA_INT, IoUringParams.FEATURES);
    this.sqEntries = params.get(JAVA_INT, IoUringParams.SQ_ENTRIES);
    this.cqEntries = params.get(JAVA_INT, IoUringParams.CQ_ENTRIES);
    this.sqeBytes = (flags & IORING_SETUP_SQE128) != 0 ? (int) Sqe.BYTES_128 : (int) Sqe.BYTES;
    this.cqeShift = (flags & IORING_SETUP_CQE32) != 0 ? 5 : 4;

    int sqOffArray = params.get(JAVA_INT, IoUringParams.SQ_OFF_ARRAY);
    long sqLen = sqOffArray + (long) sqEntries * Integer.BYTES;
    long cqLen = params.get(JAVA_INT, IoUringParams.CQ_OFF_CQES) + ((long) cqEntries << cqeShift);
    int prot = LibC.PROT_READ | LibC.PROT_WRITE;
    int mapFlags = LibC.MAP_SHARED | LibC.MAP_POPULATE;
    if ((features & IORING_FEAT_SINGLE_MMAP) != 0) {
      sqRing = LibC.mmap(Math.max(sqLen, cqLen), prot, mapFlags, fd, IORING_OFF_SQ_RING);
      cqRing = sqRing;
    } else {
      sqRing = LibC.mmap(sqLen, prot, mapFlags, fd, IORING_OFF_SQ_RING);
      cqRing = LibC.mmap(cqLen, prot, mapFlags, fd, IORING_OFF_CQ_RING);
    }
    sqeArray = LibC.mmap((long) sqEntries * sqeBytes, prot, mapFlags, fd, IORING_OFF_SQES);

    sqHeadOff = params.get(JAVA_INT, IoUringParams.SQ_OFF_HEAD);
    sqTailOff = params.get(JAVA_INT, IoUringParams.SQ_OFF_TAIL);
    sqFlagsOff = params.get(JAVA_INT, IoUringParams.SQ_OFF_FLAGS);
    sqDroppedOff = params.get(JAVA_INT, IoUringParams.SQ_OFF_DROPPED);
    sqMask = sqRing.get(JAVA_INT, params.get(JAVA_INT, IoUringParams.SQ_OFF_RING_MASK));
    cqHeadOff = params.get(JAVA_INT, IoUringParams.CQ_OFF_HEAD);
    cqTailOff = params.get(JAVA_INT, IoUringParams.CQ_OFF_TAIL);
    cqOverflowOff = params.get(JAVA_INT, IoUringParams.CQ_OFF_OVERFLOW);
    cqesOff = params.get(JAVA_INT, IoUringParams.CQ_OFF_CQES);
    cqMask = cqRing.get(JAVA_INT, params.get(JAVA_INT, IoUringParams.CQ_OFF_RING_MASK));

    // SQ index array: slot i always names SQE i, so the SQE handed out is simply tail & mask.
    for (int i = 0; i < sqEntries; i++) {
      sqRing.set(JAVA_INT, sqOffArray + (long) i * Integer.BYTES, i);
    }
    sqeSlots = new MemorySegment[sqEntries];
    for (int i = 0; i < sqEntries; i++) {
      sqeSlots[i] = sqeArray.asSlice((long) i * sqeBytes, sqeBytes);
    }
    sqeTail = (int) INT.getAcquire(sqRing, sqTailOff);
    cqHead = (int) INT.getAcquire(cqRing, cqHeadOff);
    geteventsArg = scratchArena.allocate(GETEVENTS_ARG_BYTES, 8);
    waitTimespec = scratchArena.allocate(KernelTimespec.LAYOUT);
    int slot = ringFdUpdate(IORING_REGISTER_RING_FDS, IORING_REGISTER_ANY_SLOT, fd);
    enterFd = slot >= 0 ? slot : fd;
    alwaysEnterFlags = (slot >= 0 ? IORING_ENTER_REGISTERED_RING : 0)
        | ((features & IORING_FEAT_NO_IOWAIT) != 0 ? IORING_ENTER_NO_IOWAIT : 0);
  }

  /**
   * Registers the ring with the calling thread ({@code IORING_REGISTER_RING_FDS}, as liburing's
   * io_uring_register_ring_fd does: io_uring_enter then finds it by slot instead of taking and
   * dropping a reference to its file on every call) or drops that registration
   * ({@code IORING_UNREGISTER_RING_FDS}, whose {@code data} must be 0). Returns the slot, or -errno
   * (older kernels: the fd is used).
   */
  private int ringFdUpdate(int opcode, int slot, int data) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment update = a.allocate(RSRC_UPDATE_BYTES, 8);
      update.set(JAVA_INT, 0, slot);
      update.set(JAVA_LONG, 8, data);
      int r = IoUringSyscalls.register(fd, opcode, update, 1);
      return r == 1 ? update.get(JAVA_INT, 0) : Math.min(r, -1);
    }
  }

  /**
   * Creates a ring. Flags the kernel refuses with {@code EINVAL} are dropped in this order and the
   * setup retried: DEFER_TASKRUN, SINGLE_ISSUER, SUBMIT_ALL, COOP_TASKRUN/TASKRUN_FLAG. {@link #flags()}
   * says what was granted.
   *
   * @throws IoUringException with the kernel's errno when no attempt succeeds (EPERM: seccomp or
   *     {@code kernel.io_uring_disabled}; ENOSYS: no io_uring; ENOMEM: locked-memory limit)
   */
  public static Ring create(RingOptions options) {
    int[] dropOrder = {
        IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER, IORING_SETUP_SUBMIT_ALL,
        IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG
    };
    int wanted = options.flags();
    if (options.cqEntries() > 0) {
      wanted |= IORING_SETUP_CQSIZE;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment params = arena.allocate(IoUringParams.LAYOUT);
      int attempt = wanted;
      for (int i = 0; ; i++) {
        params.fill((byte) 0);
        params.set(JAVA_INT, IoUringParams.FLAGS, attempt);
        params.set(JAVA_INT, IoUringParams.CQ_ENTRIES, options.cqEntries());
        int fd = IoUringSyscalls.setup(options.entries(), params);
        if (fd >= 0) {
          try {
            return new Ring(fd, params);
          } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
          }
        }
        if (fd != -Errno.EINVAL || i >= dropOrder.length) {
          throw new IoUringException("io_uring_setup(" + options.entries() + ", flags=0x"
              + Integer.toHexString(attempt) + ")", fd);
        }
        // With DEFER_TASKRUN dropped, fall back to COOP_TASKRUN, which older kernels know.
        attempt &= ~dropOrder[i];
        if (dropOrder[i] == IORING_SETUP_DEFER_TASKRUN && (wanted & IORING_SETUP_DEFER_TASKRUN) != 0) {
          attempt |= IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
        }
      }
    }
  }

  /**
   * The next free SQE, zeroed, or {@code null} when the SQ is full (submit, then try again). The
   * segment is valid until the next {@link #flush()} / {@link #enter} consumed it.
   */
  public MemorySegment nextSqe() {
    int head = (int) INT.getAcquire(sqRing, sqHeadOff);
    if (sqeTail - head >= sqEntries) {
      return null;
    }
    MemorySegment sqe = sqeSlots[sqeTail & sqMask];
    sqe.fill((byte) 0);
    sqeTail++;
    return sqe;
  }

  /** Publishes prepared SQEs and returns how many the kernel has not consumed yet. */
  public int flush() {
    INT.setRelease(sqRing, sqTailOff, sqeTail);
    return sqeTail - (int) INT.getAcquire(sqRing, sqHeadOff);
  }

  /** SQEs handed out and not yet consumed by the kernel. */
  public int pendingSubmissions() {
    return sqeTail - (int) INT.getAcquire(sqRing, sqHeadOff);
  }

  /**
   * Publishes pending SQEs and enters the kernel: submits them and, with {@code GETEVENTS}, runs task
   * work and waits for {@code minComplete} CQEs. Returns SQEs consumed or {@code -errno} (EINTR,
   * EBUSY, EAGAIN, ETIME are the caller's to handle).
   */
  public int enter(int minComplete, int enterFlags) {
    int toSubmit = flush();
    return IoUringSyscalls.enter(enterFd, toSubmit, minComplete, enterFlags | alwaysEnterFlags,
        MemorySegment.NULL, 0);
  }

  /**
   * Like {@link #enter} with {@code GETEVENTS} but bounded: waits at most {@code timeoutNanos}
   * for {@code minComplete} CQEs ({@code IORING_ENTER_EXT_ARG}). Returns {@code -ETIME} on timeout.
   */
  public int enterWithTimeout(int minComplete, long timeoutNanos) {
    int toSubmit = flush();
    KernelTimespec.set(waitTimespec, Math.max(0, timeoutNanos));
    geteventsArg.set(JAVA_LONG, 0, 0L);               // sigmask
    geteventsArg.set(JAVA_INT, 8, 0);                 // sigmask_sz
    geteventsArg.set(JAVA_INT, 12, 0);                // min_wait_usec
    geteventsArg.set(JAVA_LONG, 16, waitTimespec.address());
    return IoUringSyscalls.enter(enterFd, toSubmit, minComplete,
        IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG | alwaysEnterFlags, geteventsArg, GETEVENTS_ARG_BYTES);
  }

  /** True when the CQ holds completions not yet reaped (no syscall). */
  public boolean hasCompletions() {
    return (int) INT.getAcquire(cqRing, cqTailOff) != cqHead;
  }

  /** The kernel-written SQ flags word ({@code IORING_SQ_CQ_OVERFLOW}, {@code IORING_SQ_TASKRUN}). */
  public int sqFlags() {
    return (int) INT.getAcquire(sqRing, sqFlagsOff);
  }

  /** True when the kernel wants us to enter even though the CQ looks empty (task work or overflow). */
  public boolean needsEnter() {
    return (sqFlags() & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0;
  }

  /**
   * Copies up to {@code max} CQEs into the arrays, starting at {@code offset}, and frees their CQ slots. Returns the count copied.
   * The arrays are the caller's ready list: dispatch after reaping, so handlers may submit freely.
   */
  public int reap(long[] userData, int[] res, int[] cqeFlags, int offset, int max) {
    int tail = (int) INT.getAcquire(cqRing, cqTailOff);
    int head = cqHead;
    int n = Math.min(tail - head, max);
    for (int i = offset; i < offset + n; i++, head++) {
      long off = cqesOff + ((long) (head & cqMask) << cqeShift);
      userData[i] = cqRing.get(JAVA_LONG, off + Cqe.USER_DATA);
      res[i] = cqRing.get(JAVA_INT, off + Cqe.RES);
      cqeFlags[i] = cqRing.get(JAVA_INT, off + Cqe.FLAGS);
    }
    if (n > 0) {
      cqHead = head;
      // Publish the head only after the CQEs were copied out: the kernel may reuse the slots.
      INT.setRelease(cqRing, cqHeadOff, head);
    }
    return n;
  }

  /** CQEs the kernel dropped because the CQ was full (only without IORING_FEAT_NODROP). */
  public int cqOverflowCount() {
    return (int) INT.getAcquire(cqRing, cqOverflowOff);
  }

  /** SQEs the kernel dropped as invalid. */
  public int sqDroppedCount() {
    return (int) INT.getAcquire(sqRing, sqDroppedOff);
  }

  /** Asks the kernel which opcodes it supports ({@code IORING_REGISTER_PROBE}). */
  public Probe probe() {
    return Probe.of(fd);
  }

  public int fd() {
    return fd;
  }

  /** The setup flags the kernel granted. */
  public int flags() {
    return flags;
  }

  public int features() {
    return features;
  }

  public int sqEntries() {
    return sqEntries;
  }

  public int cqEntries() {
    return cqEntries;
  }

  public int sqeBytes() {
    return sqeBytes;
  }

  public boolean hasFlag(int setupFlag) {
    return (flags & setupFlag) == setupFlag;
  }

  /** Unmaps the rings and closes the fd; the kernel cancels whatever is still in flight. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (registeredWithThread()) {
      // Otherwise the registration would keep the ring alive until the owner thread ends.
      ringFdUpdate(IORING_UNREGISTER_RING_FDS, enterFd, 0);
    }
    LibC.munmap(sqeArray);
    if (cqRing != sqRing) {
      LibC.munmap(cqRing);
    }
    LibC.munmap(sqRing);
    LibC.close(fd);
    scratchArena.close();
  }

  /** Whether io_uring_enter finds the ring through its thread's registration (false: by fd, older kernels). */
  public boolean registeredWithThread() {
    return enterFd != fd;
  }

  /**
   * Registers {@code fds} as the ring's fixed-file table (IORING_REGISTER_FILES): an op flagged
   * {@code fixedFile()} then names file {@code i} by index {@code i}, and the kernel takes no file
   * reference per op. Once per ring; 0 or -errno.
   */
  public int registerFiles(int... fds) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment table = a.allocateFrom(JAVA_INT, fds);
      return IoUringSyscalls.register(fd, IORING_REGISTER_FILES, table, fds.length);
    }
  }

  /** Human-readable {@code IORING_SETUP_*} names. */
  public static String describeFlags(int setupFlags) {
    String[] names = {"IOPOLL", "SQPOLL", "SQ_AFF", "CQSIZE", "CLAMP", "ATTACH_WQ", "R_DISABLED",
        "SUBMIT_ALL", "COOP_TASKRUN", "TASKRUN_FLAG", "SQE128", "CQE32", "SINGLE_ISSUER",
        "DEFER_TASKRUN", "NO_MMAP", "REGISTERED_FD_ONLY", "NO_SQARRAY"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      if ((setupFlags & (1 << i)) != 0) {
        sb.append(sb.isEmpty() ? "" : "|").append(names[i]);
      }
    }
    return sb.isEmpty() ? "0" : sb.toString();
  }
}
