package org.uringfuse.jnr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The native memory and jnr-fuse struct objects one worker thread hands to callbacks: a
 * {@code struct stat}, a {@code fuse_file_info}, a {@code statvfs}, two timespecs, the
 * {@code fuse_context} and a readlink buffer. Made once per worker (jnr structs are costly to build)
 * and reset before each use, as libfuse passes fresh zeroed structs.
 *
 * <p>Threads: owned by one worker thread ({@link #current()}); never shared.
 */
final class CallScratch {
  static final int PATH_MAX = 4096;
  private static final Runtime RUNTIME = Runtime.getSystemRuntime();
  private static final ThreadLocal<CallScratch> CURRENT = ThreadLocal.withInitial(CallScratch::new);

  final MemorySegment statMemory;
  final MemorySegment fileInfoMemory;
  final MemorySegment statvfsMemory;
  final MemorySegment contextMemory;
  final MemorySegment linkMemory;
  final FileStat stat;
  final FuseFileInfo fileInfo;
  final Statvfs statvfs;
  final Timespec[] times;
  final FuseContext context;
  final Pointer link;
  /** Byte offset of the direct_io/keep_cache/... bit field in {@code fuse_file_info}. */
  private final long fileInfoBitsOffset;

  private CallScratch() {
    Arena arena = Arena.ofAuto();
    statMemory = arena.allocate(Math.max(256, jnr.ffi.Struct.size(new FileStat(RUNTIME))), 16);
    fileInfoMemory = arena.allocate(128, 16);
    statvfsMemory = arena.allocate(256, 16);
    MemorySegment timesMemory = arena.allocate(64, 16);
    contextMemory = arena.allocate(128, 16);
    linkMemory = arena.allocate(PATH_MAX + 1, 16);
    stat = FileStat.of(pointer(statMemory));
    fileInfo = FuseFileInfo.of(pointer(fileInfoMemory));
    statvfs = Statvfs.of(pointer(statvfsMemory));
    Timespec atime = Timespec.of(pointer(timesMemory));
    times = new Timespec[] {atime, Timespec.of(pointer(timesMemory.asSlice(jnr.ffi.Struct.size(atime))))};
    context = FuseContext.of(pointer(contextMemory));
    link = pointer(linkMemory);
    // The bit field is the 32-bit word just before fh (flags, fh_old, writepage, bits, fh on LP64);
    // jnr-fuse declares it as padding members whose offsets are not public.
    fileInfoBitsOffset = fileInfo.fh.offset() - 4;
  }

  static CallScratch current() {
    return CURRENT.get();
  }

  /** A jnr pointer over native memory we own (request and reply buffers included): no copy. */
  static Pointer pointer(MemorySegment segment) {
    return RUNTIME.getMemoryManager().newPointer(segment.address(), segment.byteSize());
  }

  FileStat clearStat() {
    statMemory.fill((byte) 0);
    return stat;
  }

  Statvfs clearStatvfs() {
    statvfsMemory.fill((byte) 0);
    return statvfs;
  }

  /** A zeroed {@code fuse_file_info} with the open flags, handle and lock owner of this call. */
  FuseFileInfo fileInfo(int flags, long fh, long lockOwner) {
    fileInfoMemory.fill((byte) 0);
    fileInfo.flags.set(flags);
    fileInfo.fh.set(fh);
    fileInfo.lock_owner.set(lockOwner);
    return fileInfo;
  }

  /** Bit {@code bit} of the fuse_file_info bit field (0 direct_io, 1 keep_cache, 2 flush, 3 nonseekable). */
  boolean fileInfoBit(int bit) {
    return (fileInfoMemory.get(java.lang.foreign.ValueLayout.JAVA_BYTE, fileInfoBitsOffset) & (1 << bit)) != 0;
  }

  /** Fills the {@code fuse_context} that {@code getContext()} returns during this call. */
  void setCaller(int uid, int gid, int pid, int umask, Pointer privateData) {
    contextMemory.fill((byte) 0);
    context.uid.set(uid);
    context.gid.set(gid);
    context.pid.set(pid);
    context.umask.set(umask);
    context.private_data.set(privateData);
  }
}
