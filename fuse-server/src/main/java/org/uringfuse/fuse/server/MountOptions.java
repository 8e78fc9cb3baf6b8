package org.uringfuse.fuse.server;

import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.ring.loop.LoopOptions;
import org.uringfuse.ring.loop.PollOptions;

/**
 * How to mount and serve: the usual FUSE mount options, the transport, and the server's sizing.
 *
 * @param fsname the source shown in /proc/mounts
 * @param subtype mount type becomes {@code fuse.<subtype>}
 * @param allowOther let users other than the mounter access the mount
 * @param defaultPermissions let the kernel check permissions from the file modes
 * @param readOnly mount read-only
 * @param dev allow device files; {@code suid} honour set-uid bits
 * @param maxRead 0 for the kernel's default, else the largest READ
 * @param blksize 0 for default
 * @param threads event loops (each with its own /dev/fuse fd and ring)
 * @param transport classic, uring or auto
 * @param queueDepth FUSE-over-io_uring entries per queue
 * @param maxWrite the largest WRITE/READ payload (sizes every buffer)
 * @param buffersPerLoop classic request buffers per loop (requests in flight per loop)
 * @param maxBackground kernel's limit on asynchronous requests in flight (congestion at 3/4)
 * @param debug log every request and reply
 * @param poll how the event loops busy-poll before blocking
 * @param autoUnmount the mount never outlives the server, however it ends (SIGKILL included):
 *     fusermount3 mounts and stays to unmount when the server's connection closes (libfuse's
 *     {@code auto_unmount})
 * @param sched the event loops' scheduling policy: SCHED_IDLE while busy and uncontended (auto), or
 *     SCHED_OTHER always (normal)
 */
public record MountOptions(String fsname, String subtype, boolean allowOther, boolean defaultPermissions,
    boolean readOnly, boolean dev, boolean suid, int maxRead, int blksize, int threads,
    TransportKind transport, int queueDepth, int maxWrite, int buffersPerLoop,
    int maxBackground, boolean debug, PollOptions poll, boolean autoUnmount, LoopOptions.Sched sched) {

  public MountOptions {
    if (threads < 1 || queueDepth < 1 || buffersPerLoop < 1) {
      throw new IllegalArgumentException("threads, queue depth and buffers must be >= 1");
    }
    if (maxWrite < 4096 || maxWrite > 16 << 20 || maxWrite % 4096 != 0) {
      throw new IllegalArgumentException("maxWrite must be a multiple of 4096 between 4 KiB and 16 MiB");
    }
    if (fsname.contains(",") || subtype.contains(",")) {
      throw new IllegalArgumentException("fsname and subtype must not contain commas");
    }
  }

  public static MountOptions defaults() {
    int cpus = Math.max(1, Runtime.getRuntime().availableProcessors());
    return new MountOptions("uringfuse", "uringfuse", false, false, false, false, false, 0, 0, cpus,
        TransportKind.AUTO, 32, 128 * 1024, 32, 1024, false,
        PollOptions.auto(PollOptions.DEFAULT_MAX_NANOS), false, LoopOptions.Sched.IDLE_WHEN_BUSY);
  }

  public MountOptions withFsname(String v) {
    return new MountOptions(v, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withSubtype(String v) {
    return new MountOptions(fsname, v, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withAllowOther(boolean v) {
    return new MountOptions(fsname, subtype, v, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withDefaultPermissions(boolean v) {
    return new MountOptions(fsname, subtype, allowOther, v, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withReadOnly(boolean v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, v, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withDev(boolean v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, v, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withSuid(boolean v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, v, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withMaxRead(int v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, v, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withBlksize(int v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, v,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withThreads(int v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        v, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withTransport(TransportKind v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, v, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withQueueDepth(int v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, v, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withMaxWrite(int v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, v, buffersPerLoop, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withBuffersPerLoop(int v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, v, maxBackground, debug, poll, autoUnmount, sched);
  }

  public MountOptions withDebug(boolean v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, v, poll, autoUnmount, sched);
  }

  public MountOptions withPoll(PollOptions v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, v, autoUnmount, sched);
  }

  /**
   * The kernel's default cap on max_pages ({@code FUSE_DEFAULT_MAX_PAGES_LIMIT} in
   * {@code fs/fuse/fuse_i.h}, the {@code fs.fuse.max_pages_limit} sysctl).
   */
  static final int FUSE_DEFAULT_MAX_PAGES_LIMIT = 256;
  private static final int PAGE = 4096;

  /** max_write as offered in FUSE_INIT: the option, at most what max_pages can carry. */
  public int negotiatedMaxWrite() {
    return Math.min(maxWrite, FUSE_DEFAULT_MAX_PAGES_LIMIT * PAGE);
  }

  /**
   * max_pages as offered in FUSE_INIT: one page more than max_write. A max_write-sized buffer that
   * does not start on a page boundary (an O_DIRECT or direct_io write from an unaligned user buffer)
   * spans one page more, and the kernel cuts a request at max_pages pinned pages: with max_pages =
   * max_write / 4096, each 128 KiB write from such a buffer arrived as two WRITEs (129,520 and 1,552
   * bytes), neither sector-aligned. At max_write = 1 MiB the kernel's 256-page cap leaves no page to
   * spare, and such calls are split again.
   */
  public int maxPages() {
    return Math.min(FUSE_DEFAULT_MAX_PAGES_LIMIT, negotiatedMaxWrite() / PAGE + 1);
  }

  /**
   * The largest request or reply data: a WRITE carries at most max_write bytes, a READ may ask for
   * max_pages whole pages.
   */
  public int maxDataSize() {
    return Math.max(negotiatedMaxWrite(), maxPages() * PAGE);
  }

  /** The {@code /dev/fuse} read buffer size: a page of header room plus the largest data, page aligned. */
  public int deviceBufferSize() {
    return Math.max(8192, PAGE + maxDataSize());
  }

  public MountOptions withAutoUnmount(boolean v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, v, sched);
  }

  public MountOptions withSched(LoopOptions.Sched v) {
    return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, dev, suid, maxRead, blksize,
        threads, transport, queueDepth, maxWrite, buffersPerLoop, maxBackground, debug, poll, autoUnmount, v);
  }
}
