package org.uringfuse.ring.loop;

/**
 * Receives the completion of one operation submitted with {@link EventLoop#addSqe}.
 *
 * <p>Called on the loop thread, once per CQE: exactly once for ordinary ops, once per CQE of a
 * multishot op (the last one lacks {@code IORING_CQE_F_MORE}). The handler (and whatever memory it
 * references) is kept alive by the loop from submission until that last call. It may submit new
 * operations. An exception it throws is logged and the loop goes on.
 */
@FunctionalInterface
public interface CqeHandler {
  /**
   * @param res the kernel's result: {@code >= 0} value, {@code < 0} is {@code -errno}
   * @param flags {@code IORING_CQE_F_*} (F_MORE: more CQEs follow for this op)
   */
  void complete(int res, int flags);
}
