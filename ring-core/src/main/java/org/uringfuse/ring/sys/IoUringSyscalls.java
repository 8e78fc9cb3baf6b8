package org.uringfuse.ring.sys;

import static org.uringfuse.ring.abi.IoUringConstants.NR_io_uring_enter;
import static org.uringfuse.ring.abi.IoUringConstants.NR_io_uring_register;
import static org.uringfuse.ring.abi.IoUringConstants.NR_io_uring_setup;

import java.lang.foreign.MemorySegment;

/**
 * The three io_uring system calls through libc's variadic {@code syscall(long nr, ...)}; every
 * argument is passed as a C {@code long} or pointer (default promotions). A waiting
 * {@code io_uring_enter} blocks its thread: call it from platform threads only.
 */
public final class IoUringSyscalls {
  private IoUringSyscalls() {}


  /** {@code io_uring_setup(entries, params)}: the ring fd or {@code -errno}. */
  public static int setup(int entries, MemorySegment params) {
    return (int) Native.longResult(Native.call(LibC.SYSCALL, (long) NR_io_uring_setup, (long) entries, params.address()));
  }

  /** {@code io_uring_enter(fd, toSubmit, minComplete, flags, arg, argSize)}: SQEs consumed or {@code -errno}. */
  public static int enter(int fd, int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize) {
    return (int) Native.longResult(Native.call(LibC.SYSCALL, NR_io_uring_enter, fd, toSubmit, minComplete, flags, arg.address(), argSize));
  }

  /** {@code io_uring_register(fd, opcode, arg, nrArgs)}: result or {@code -errno}. */
  public static int register(int fd, int opcode, MemorySegment arg, int nrArgs) {
    return (int) Native.longResult(Native.call(LibC.SYSCALL, (long) NR_io_uring_register, (long) fd, (long) opcode, arg.address(), (long) nrArgs));
  }
}
