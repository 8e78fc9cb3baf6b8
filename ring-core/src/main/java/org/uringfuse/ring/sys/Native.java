package org.uringfuse.ring.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

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

  /** Looks up a libc function that reports failures through errno. */
  public static MethodHandle errnoFunction(String name, FunctionDescriptor fd, Linker.Option... extra) {
    Linker.Option[] options = new Linker.Option[extra.length + 1];
    options[0] = CAPTURE_ERRNO;
    System.arraycopy(extra, 0, options, 1, extra.length);
    return LINKER.downcallHandle(symbol(name), fd, options);
  }

  /** Looks up a libc function without errno capture. */
  public static MethodHandle plainFunction(String name, FunctionDescriptor fd, Linker.Option... options) {
    return LINKER.downcallHandle(symbol(name), fd, options);
  }

  static Optional<MemorySegment> find(String name) {
    return LINKER.defaultLookup().find(name);
  }

  private static MemorySegment symbol(String name) {
    return find(name).orElseThrow(
        () -> new UnsupportedOperationException("libc has no symbol " + name));
  }

  /** The calling thread's errno capture segment, to pass as the first argument of a wrapper. */
  public static MemorySegment errnoState() {
    return CAPTURE.get();
  }

  public static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  /** Maps a libc "-1 and errno" result to {@code -errno}. */
  public static int result(int r, MemorySegment state) {
    return r < 0 ? -errno(state) : r;
  }

  public static long result(long r, MemorySegment state) {
    return r < 0 ? -errno(state) : r;
  }

  public static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      return re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("downcall failed", t);
  }

  /** A downcall that takes the errno capture segment first and returns a C int. */
  @FunctionalInterface
  public interface IntDowncall {
    int call(MemorySegment errnoState) throws Throwable;
  }

  /** A downcall that takes the errno capture segment first and returns a C long (ssize_t, off_t). */
  @FunctionalInterface
  public interface LongDowncall {
    long call(MemorySegment errnoState) throws Throwable;
  }

  /** Runs a downcall with this thread's errno capture; {@code -1} becomes {@code -errno}. */
  public static int callInt(IntDowncall c) {
    MemorySegment st = errnoState();
    try {
      return result(c.call(st), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** As {@link #callInt} for calls returning a long. */
  public static long callLong(LongDowncall c) {
    MemorySegment st = errnoState();
    try {
      return result(c.call(st), st);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Gives a native address a size, for memory the kernel handed us (mmap). */
  public static MemorySegment ofAddress(long address, long byteSize) {
    return MemorySegment.ofAddress(address).reinterpret(byteSize);
  }

  static final FunctionDescriptor INT_INT = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
}
