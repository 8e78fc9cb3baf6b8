package org.uringfuse.ring.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * Linker plumbing: looks up libc functions once and captures errno.
 *
 * <p>Threads: the errno capture segment is per thread ({@link ThreadLocal}), so every wrapper is
 * safe to call from any thread. Restricted FFM calls of uringfuse are confined to this package.
 */
@SuppressWarnings("restricted")
public final class Native {
  private Native() {}

  static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
  private static final ThreadLocal<MemorySegment> CAPTURE =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

  /**
   * The one shape every downcall has: seven 64-bit words in, one out, errno captured. On Linux x86-64
   * and AArch64 a C function takes its int, long and pointer arguments in the same registers as
   * words, and ignores the ones it does not declare (the seventh goes on the stack, which the
   * caller owns); its int result is the low half of the returned word. Linking every function to
   * one shape means one native stub and one set of method-handle forms for the whole process: the
   * JDK spins about 20 ms of classes per distinct signature at first use, which made FFM linking
   * most of a mount's start-up time. Variadic functions ({@code syscall}, {@code fcntl},
   * {@code ioctl}, {@code openat}'s mode) are called the same way: their variadic words travel in
   * the same registers on these two ABIs.
   */
  private static final FunctionDescriptor WORDS = FunctionDescriptor.of(JAVA_LONG,
      JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

  /** Links a libc function in the one shape (call it with {@code callInt}, {@code callLong} or {@code callPlain}). */
  public static MethodHandle function(String name) {
    return LINKER.downcallHandle(symbol(name), WORDS, CAPTURE_ERRNO);
  }

  private static long invoke(MethodHandle h, MemorySegment st, long a, long b, long c, long d, long e, long f,
      long g) {
    try {
      return (long) h.invokeExact(st, a, b, c, d, e, f, g);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // callInt: a C {@code int} result; {@code -1} becomes {@code -errno}
  public static int callInt(MethodHandle h, long a, long b, long c, long d, long e, long f, long g) {
    MemorySegment st = errnoState();
    int r = (int) invoke(h, st, a, b, c, d, e, f, g);
    return r < 0 ? -errno(st) : r;
  }

  public static int callInt(MethodHandle h, long a, long b, long c, long d, long e, long f) {
    return callInt(h, a, b, c, d, e, f, 0);
  }

  public static int callInt(MethodHandle h, long a, long b, long c, long d, long e) {
    return callInt(h, a, b, c, d, e, 0, 0);
  }

  public static int callInt(MethodHandle h, long a, long b, long c, long d) {
    return callInt(h, a, b, c, d, 0, 0, 0);
  }

  public static int callInt(MethodHandle h, long a, long b, long c) {
    return callInt(h, a, b, c, 0, 0, 0, 0);
  }

  public static int callInt(MethodHandle h, long a, long b) {
    return callInt(h, a, b, 0, 0, 0, 0, 0);
  }

  public static int callInt(MethodHandle h, long a) {
    return callInt(h, a, 0, 0, 0, 0, 0, 0);
  }

  public static int callInt(MethodHandle h) {
    return callInt(h, 0, 0, 0, 0, 0, 0, 0);
  }

  // callLong: a C {@code long} result ({@code ssize_t}, {@code off_t}, a pointer); {@code -1} becomes {@code -errno}
  public static long callLong(MethodHandle h, long a, long b, long c, long d, long e, long f, long g) {
    MemorySegment st = errnoState();
    long r = invoke(h, st, a, b, c, d, e, f, g);
    return r < 0 ? -errno(st) : r;
  }

  public static long callLong(MethodHandle h, long a, long b, long c, long d, long e, long f) {
    return callLong(h, a, b, c, d, e, f, 0);
  }

  public static long callLong(MethodHandle h, long a, long b, long c, long d, long e) {
    return callLong(h, a, b, c, d, e, 0, 0);
  }

  public static long callLong(MethodHandle h, long a, long b, long c, long d) {
    return callLong(h, a, b, c, d, 0, 0, 0);
  }

  public static long callLong(MethodHandle h, long a, long b, long c) {
    return callLong(h, a, b, c, 0, 0, 0, 0);
  }

  public static long callLong(MethodHandle h, long a, long b) {
    return callLong(h, a, b, 0, 0, 0, 0, 0);
  }

  public static long callLong(MethodHandle h, long a) {
    return callLong(h, a, 0, 0, 0, 0, 0, 0);
  }

  public static long callLong(MethodHandle h) {
    return callLong(h, 0, 0, 0, 0, 0, 0, 0);
  }

  // callPlain: the raw result, for functions that do not report through errno (the {@code posix_spawn} family returns the error number; {@code getuid} cannot fail); an {@code int} result is its low 32 bits
  public static long callPlain(MethodHandle h, long a, long b, long c, long d, long e, long f, long g) {
    return invoke(h, errnoState(), a, b, c, d, e, f, g);
  }

  public static long callPlain(MethodHandle h, long a, long b, long c, long d, long e, long f) {
    return callPlain(h, a, b, c, d, e, f, 0);
  }

  public static long callPlain(MethodHandle h, long a, long b, long c, long d, long e) {
    return callPlain(h, a, b, c, d, e, 0, 0);
  }

  public static long callPlain(MethodHandle h, long a, long b, long c, long d) {
    return callPlain(h, a, b, c, d, 0, 0, 0);
  }

  public static long callPlain(MethodHandle h, long a, long b, long c) {
    return callPlain(h, a, b, c, 0, 0, 0, 0);
  }

  public static long callPlain(MethodHandle h, long a, long b) {
    return callPlain(h, a, b, 0, 0, 0, 0, 0);
  }

  public static long callPlain(MethodHandle h, long a) {
    return callPlain(h, a, 0, 0, 0, 0, 0, 0);
  }

  public static long callPlain(MethodHandle h) {
    return callPlain(h, 0, 0, 0, 0, 0, 0, 0);
  }

  static Optional<MemorySegment> find(String name) {
    return LINKER.defaultLookup().find(name);
  }

  private static MemorySegment symbol(String name) {
    return find(name).orElseThrow(
        () -> new UnsupportedOperationException("libc has no symbol " + name));
  }

  /** The calling thread's errno capture segment. */
  private static MemorySegment errnoState() {
    return CAPTURE.get();
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      return re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("downcall failed", t);
  }

  /** Gives a native address a size, for memory the kernel handed us (mmap). */
  public static MemorySegment ofAddress(long address, long byteSize) {
    return MemorySegment.ofAddress(address).reinterpret(byteSize);
  }
}
