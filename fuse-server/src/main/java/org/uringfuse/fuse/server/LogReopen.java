package org.uringfuse.fuse.server;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.uringfuse.fuse.sys.FuseSyscalls;
import org.uringfuse.ring.Errno;
import org.uringfuse.ring.sys.LibC;
import sun.misc.Signal;

/**
 * SIGHUP reopens a detached server's log file (after logrotate moved it): the file is opened again
 * by name and put in place of stdout and stderr with dup2, so every writer keeps working.
 *
 * <p>Threads: the JVM's signal thread runs the handler; dup2 replaces fds 1 and 2 atomically.
 */
public final class LogReopen {
  private static final System.Logger LOG = System.getLogger(LogReopen.class.getName());

  private LogReopen() {}

  /** From now on, SIGHUP reopens {@code logFile} as stdout and stderr. */
  public static void install(Path logFile) {
    FuseSyscalls.defaultSignal(FuseSyscalls.SIGHUP);   // started under nohup, it would stay ignored
    Signal.handle(new Signal("HUP"), sig -> reopen(logFile));
  }

  static void reopen(Path logFile) {
    try (Arena a = Arena.ofConfined()) {
      int fd = LibC.openat(LibC.AT_FDCWD, a.allocateFrom(logFile.toString()),
          FuseSyscalls.O_WRONLY | FuseSyscalls.O_CREAT | FuseSyscalls.O_APPEND | FuseSyscalls.O_CLOEXEC, 0640);
      if (fd < 0) {
        LOG.log(Level.WARNING, "SIGHUP: cannot reopen {0}: {1}", logFile, Errno.describe(fd));
        return;
      }
      System.out.flush();
      System.err.flush();
      FuseSyscalls.dup2(fd, 1);
      FuseSyscalls.dup2(fd, 2);
      LibC.close(fd);
      System.out.println("log reopened: " + logFile);
      System.out.flush();
    }
  }
}
