package org.uringfuse.cli;

/** Exit codes of the {@code uringfuse} command, listed in {@code --help}. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  public static final int NO_FUSE_URING = 3;
}
