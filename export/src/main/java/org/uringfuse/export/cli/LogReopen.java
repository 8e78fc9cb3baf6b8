package org.uringfuse.export.cli;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.uringfuse.export.sys.PosixCalls;
import org.uringfuse.ring.sys.LibC;
import sun.misc.Signal;

/**
 * SIGHUP reopens the detached server's log file (after logrotate moved it): the file is opened again
 * by name and put in place of stdout and stderr with dup2, so every writer keeps working.
 *
 * <p>Threads: the JVM's signal thread runs the handler; dup2 replaces fds 1 and 2 atomically.
 */
final class LogReopen {
  private static final System.Logger LOG = System.getLogger(LogReopen.class.getName());

  private LogReopen() {}

  static void install(Path logFile) {
    PosixCalls.defaultSignal(PosixCalls.SIGHUP);   // started under nohup, it would stay ignored
    Signal.handle(new Signal("HUP"), sig -> reopen(logFile));
  }

  static void reopen(Path logFile) {
    try (Arena a = Arena.ofConfined()) {
      int fd = LibC.openat(PosixCalls.AT_FDCWD, a.allocateFrom(logFile.toString()),
          PosixCalls.O_WRONLY | PosixCalls.O_CREAT | PosixCalls.O_APPEND | PosixCalls.O_CLOEXEC, 0640);
      if (fd < 0) {
        LOG.log(Level.WARNING, "SIGHUP: cannot reopen {0}: {1}", logFile, org.uringfuse.ring.Errno.describe(fd));
        return;
      }
      System.out.flush();
      System.err.flush();
      PosixCalls.dup2(fd, 1);
      PosixCalls.dup2(fd, 2);
      LibC.close(fd);
      System.out.println("log reopened: " + logFile);
      System.out.flush();
    }
  }
}
