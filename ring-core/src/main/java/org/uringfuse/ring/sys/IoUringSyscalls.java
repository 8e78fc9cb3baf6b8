package org.uringfuse.ring.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.uringfuse.ring.abi.IoUringConstants.NR_io_uring_enter;
import static org.uringfuse.ring.abi.IoUringConstants.NR_io_uring_register;
import static org.uringfuse.ring.abi.IoUringConstants.NR_io_uring_setup;
import static org.uringfuse.ring.sys.Native.errnoFunction;
import static org.uringfuse.ring.sys.Native.errnoState;
import static org.uringfuse.ring.sys.Native.rethrow;
import static org.uringfuse.ring.sys.Native.result;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The three io_uring system calls through libc's variadic {@code syscall(long nr, ...)}; every
 * argument is passed as a C {@code long} or pointer (default promotions). A waiting
 * {@code io_uring_enter} blocks its thread: call it from platform threads only.
 */
public final class IoUringSyscalls {
  private IoUringSyscalls() {}

  private static final MethodHandle SETUP = errnoFunction("syscall",
      FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS),
      Linker.Option.firstVariadicArg(1));
  private static final MethodHandle ENTER = errnoFunction("syscall",
      FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
      Linker.Option.firstVariadicArg(1));
  private static final MethodHandle REGISTER = errnoFunction("syscall",
      FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
      Linker.Option.firstVariadicArg(1));

  /** {@code io_uring_setup(entries, params)}: the ring fd or {@code -errno}. */
  public static int setup(int entries, MemorySegment params) {
    return (int) Native.callLong(st -> (long) SETUP.invokeExact(st, (long) NR_io_uring_setup, (long) entries, params));
  }

  /**
   * {@code io_uring_enter(fd, toSubmit, minComplete, flags, arg, argSize)}: SQEs consumed or
   * {@code -errno}. Written out rather than through {@link Native#callLong}: it is the loop's one
   * per-iteration syscall, kept free of a capturing lambda.
   */
  public static int enter(int fd, int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize) {
    MemorySegment st = errnoState();
    try {
      long r = (long) ENTER.invokeExact(st, (long) NR_io_uring_enter, (long) fd, (long) toSubmit,
          (long) minComplete, (long) flags, arg, argSize);
      return (int) result(r, st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code io_uring_register(fd, opcode, arg, nrArgs)}: result or {@code -errno}. */
  public static int register(int fd, int opcode, MemorySegment arg, int nrArgs) {
    return (int) Native.callLong(st -> (long) REGISTER.invokeExact(st, (long) NR_io_uring_register, (long) fd,
        (long) opcode, arg, (long) nrArgs));
  }
}
