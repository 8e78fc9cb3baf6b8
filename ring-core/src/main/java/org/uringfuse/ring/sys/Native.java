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

  /** Links a libc function in the one shape (call it with {@link #call}). */
  public static MethodHandle function(String name) {
    return LINKER.downcallHandle(symbol(name), WORDS, CAPTURE_ERRNO);
  }

  /**
   * Calls {@code h} with up to seven words and returns the raw result word; read it with
   * {@link #intResult} or {@link #longResult} right after (on the same thread) for functions that
   * report through errno. Functions that do not ({@code getuid}, the {@code posix_spawn} family,
   * which returns the error number) use the raw word; an {@code int} result is its low 32 bits.
   */
  public static long call(MethodHandle h, long a, long b, long c, long d, long e, long f, long g) {
    try {
      return (long) h.invokeExact(errnoState(), a, b, c, d, e, f, g);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static long call(MethodHandle h, long a, long b, long c, long d, long e, long f) {
    return call(h, a, b, c, d, e, f, 0);
  }

  public static long call(MethodHandle h, long a, long b, long c, long d, long e) {
    return call(h, a, b, c, d, e, 0, 0);
  }

  public static long call(MethodHandle h, long a, long b, long c, long d) {
    return call(h, a, b, c, d, 0, 0, 0);
  }

  public static long call(MethodHandle h, long a, long b, long c) {
    return call(h, a, b, c, 0, 0, 0, 0);
  }

  public static long call(MethodHandle h, long a, long b) {
    return call(h, a, b, 0, 0, 0, 0, 0);
  }

  public static long call(MethodHandle h, long a) {
    return call(h, a, 0, 0, 0, 0, 0, 0);
  }

  public static long call(MethodHandle h) {
    return call(h, 0, 0, 0, 0, 0, 0, 0);
  }

  /** A C {@code int} result of the last {@link #call} on this thread; {@code -1} becomes {@code -errno}. */
  public static int intResult(long raw) {
    int r = (int) raw;
    return r < 0 ? -errno(errnoState()) : r;
  }

  /** A C {@code long} result ({@code ssize_t}, {@code off_t}, a pointer) of the last {@link #call}; {@code -1} becomes {@code -errno}. */
  public static long longResult(long raw) {
    return raw < 0 ? -errno(errnoState()) : raw;
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
