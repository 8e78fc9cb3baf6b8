package org.uringfuse.fuse.server;

import java.io.IOException;

/** {@code --transport uring} was asked for but FUSE-over-io_uring cannot be used; the message says why. */
public final class FuseUringUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public FuseUringUnavailableException(String reason) {
    super("FUSE-over-io_uring unavailable: " + reason);
  }
}
