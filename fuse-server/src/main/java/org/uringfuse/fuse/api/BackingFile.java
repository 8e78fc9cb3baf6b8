package org.uringfuse.fuse.api;

/**
 * A file a filesystem serves READs from ({@link Replies.ReplyData#readFrom}): its fd and how it is
 * best read.
 *
 * @param fd an open fd
 * @param inline read with pread(2) on the loop thread instead of an io_uring READ: for files whose
 *     reads complete at memory speed but which io_uring would hand to an io-wq worker (tmpfs, ramfs)
 * @param direct the fd was opened {@code O_DIRECT}: offsets and sizes not on 512-byte boundaries are
 *     read through an aligned bounce buffer
 */
public record BackingFile(int fd, boolean inline, boolean direct) {}
