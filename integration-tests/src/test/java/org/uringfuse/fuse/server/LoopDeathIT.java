package org.uringfuse.fuse.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.fuse.abi.FuseKernel;
import org.uringfuse.fuse.api.Attr;
import org.uringfuse.fuse.api.FileHandle;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.api.NodeId;
import org.uringfuse.fuse.api.Replies.ReplyAttr;
import org.uringfuse.fuse.api.Replies.ReplyEntry;
import org.uringfuse.fuse.api.Request;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;

/**
 * An event loop that dies (an Error escapes a filesystem method) must not leave its queue hanging:
 * the connection is aborted, the caller gets an error at once, the server says why it stopped, and
 * nothing stays mounted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoopDeathIT {

  /** A root directory whose every lookup kills the loop serving it. */
  static final class FatalFs implements Filesystem {
    @Override
    public void getattr(Request req, NodeId node, Optional<FileHandle> fh, ReplyAttr reply) {
      reply.ok(new Attr(FuseKernel.FUSE_ROOT_ID, 0, 0, 0, 0, 0, 0, 0, 0, Attr.S_IFDIR | 0755, 2, 0, 0, 0, 4096), 0);
    }

    @Override
    public void lookup(Request req, NodeId parent, String name, ReplyEntry reply) {
      throw new InternalError("simulated fatal error in a filesystem method");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void aDeadLoopAbortsTheConnectionInsteadOfHanging(TransportKind t) throws Exception {
    MountFixture.requireTransport(t);
    Path dir = Files.createTempDirectory("uringfuse-death");
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    FuseServer server = FuseServer.start(new FatalFs(), mnt, MountOptions.defaults().withTransport(t));
    try {
      MountFixture.Finished stat = MountFixture.runBounded(Duration.ofSeconds(30), "stat", mnt.resolve("x").toString());
      assertNotEquals(0, stat.exitCode(), stat.output());
      assertTrue(server.awaitTermination(Duration.ofSeconds(30)), "the session did not end");
      assertTrue(server.failure().orElseThrow() instanceof InternalError);
    } finally {
      server.close();
      assertFalse(server.isMounted(), "still mounted after close");
      Files.deleteIfExists(mnt);
      Files.deleteIfExists(dir);
    }
  }
}
