package org.uringfuse.ring.op;

import static org.uringfuse.ring.abi.IoUringConstants.IOSQE_ASYNC;
import static org.uringfuse.ring.abi.IoUringConstants.IOSQE_CQE_SKIP_SUCCESS;
import static org.uringfuse.ring.abi.IoUringConstants.IOSQE_FIXED_FILE;
import static org.uringfuse.ring.abi.IoUringConstants.IOSQE_IO_DRAIN;
import static org.uringfuse.ring.abi.IoUringConstants.IOSQE_IO_HARDLINK;
import static org.uringfuse.ring.abi.IoUringConstants.IOSQE_IO_LINK;

import java.lang.foreign.MemorySegment;
import org.uringfuse.ring.abi.Sqe;

/**
 * Base of the typed SQE builders: required operands go in the factory, optional fields are fluent
 * setters with the kernel's defaults, and the {@code IOSQE_*} flags are shared here. A builder is
 * plain mutable data; it may be reused for many SQEs from the thread that owns it. Builders never set
 * {@code user_data}.
 *
 * <p>Lifetime: memory an op points at (buffers, paths, iovecs, statx buffers) must stay valid until
 * the op's CQE arrives; a timeout's timespec until the SQE was submitted.
 *
 * @param <T> the concrete builder, for fluent setters
 */
public abstract class SqeOp<T extends SqeOp<T>> implements SqePrep {
  private int sqeFlags;
  private int personality;

  /** The {@code IORING_OP_*} this builder prepares, for probing. */
  public abstract int opcode();

  /** What the operation is for the event loop without io_uring (see {@link Emulation}). */
  public abstract Emulation emulation();

  /** Writes the op's own fields; the SQE is zeroed and the opcode already set. */
  protected abstract void fill(MemorySegment sqe);

  @Override
  public final void prep(MemorySegment sqe) {
    Sqe.opcode(sqe, opcode());
    fill(sqe);
    if (sqeFlags != 0) {
      Sqe.flags(sqe, sqeFlags);
    }
    if (personality != 0) {
      Sqe.personality(sqe, personality);
    }
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  /** {@code IOSQE_IO_LINK}: the next SQE starts only after this one succeeded. */
  public T link() {
    sqeFlags |= IOSQE_IO_LINK;
    return self();
  }

  /**
   * {@code IOSQE_FIXED_FILE}: the op's fd is an index into the ring's fixed-file table
   * ({@code EventLoop.registerFiles}), so the kernel takes no file reference for it.
   */
  public T fixedFile() {
    sqeFlags |= IOSQE_FIXED_FILE;
    return self();
  }

  /** {@code IOSQE_IO_HARDLINK}: like link, but the chain continues on failure. */
  public T hardLink() {
    sqeFlags |= IOSQE_IO_HARDLINK;
    return self();
  }

  /**
   * {@code IOSQE_IO_DRAIN}: starts only after everything submitted before it completed. On an
   * {@code EventLoop} ring that includes the loop's own long-lived operations (its wake-up read, fd
   * watches, FUSE commands), so a drained SQE there waits for them too: use links instead.
   */
  public T drain() {
    sqeFlags |= IOSQE_IO_DRAIN;
    return self();
  }

  /** {@code IOSQE_ASYNC}: go straight to the kernel's worker pool instead of trying inline first. */
  public T async() {
    sqeFlags |= IOSQE_ASYNC;
    return self();
  }

  /** {@code IOSQE_CQE_SKIP_SUCCESS}: post no CQE when the op succeeds. */
  public T skipSuccess() {
    sqeFlags |= IOSQE_CQE_SKIP_SUCCESS;
    return self();
  }

  /** Runs the op with the credentials registered as {@code personality}. */
  public T personality(int id) {
    personality = id;
    return self();
  }

  /** The {@code IOSQE_*} flags set so far. */
  public int sqeFlags() {
    return sqeFlags;
  }
}
