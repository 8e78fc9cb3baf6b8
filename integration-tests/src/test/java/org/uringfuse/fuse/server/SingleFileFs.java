package org.uringfuse.fuse.server;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Replies.ReplyData;
import org.uringfuse.fuse.api.Request;

/** A filesystem whose root is one read-only regular file: the shape of a file mountpoint. */
final class SingleFileFs implements Filesystem {
  private final byte[] content;

  SingleFileFs(String content) {
    this.content = content.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
    reply.ok(new Attr(FuseKernel.FUSE_ROOT_ID, content.length, 1, 0, 0, 0, 0, 0, 0, Attr.S_IFREG | 0444, 1,
        0, 0, 0, 4096), 1_000_000_000L);
  }

  @Override
  public void read(Request req, NodeId node, FileHandle fh, long offset, int size, ReplyData reply) {
    int from = (int) Math.min(offset, content.length);
    int len = Math.min(size, content.length - from);
    MemorySegment.copy(content, from, reply.buffer(), ValueLayout.JAVA_BYTE, 0, len);
    reply.ok(len);
  }
}
