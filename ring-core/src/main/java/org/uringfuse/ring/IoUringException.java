package org.uringfuse.ring;

/** A failed io_uring setup or registration, carrying the kernel's {@code -errno}. */
public final class IoUringException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int negErrno;

  public IoUringException(String operation, int negErrno) {
    super(operation + " failed: " + Errno.describe(negErrno));
    this.negErrno = negErrno;
  }

  /** The kernel's answer, negative ({@code -EPERM}, {@code -EINVAL}, ...). */
  public int negErrno() {
    return negErrno;
  }
}
