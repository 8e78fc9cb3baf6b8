package org.uringfuse.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.uringfuse.fuse.server.ControlSocket;
import picocli.CommandLine.Model.CommandSpec;

/** {@code uringfuse stats MOUNTPOINT}: asks the running server over its control socket. */
final class StatsCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this, "stats", "Prints a running server's statistics (root only).",
      "Transport, queues, requests in flight, bytes moved, and per-opcode counts with latency percentiles.")
      .addPositional(Specs.positional(0, "MOUNTPOINT", Path.class));

  @Override
  public Integer call() {
    Path mountpoint = Specs.positionalValue(spec, 0);
    PrintWriter err = spec.commandLine().getErr();
    Path socket = ControlSocket.pathFor(mountpoint.toAbsolutePath().normalize());
    if (!Files.exists(socket)) {
      err.println("uringfuse stats: no uringfuse server is serving " + mountpoint + " (no control socket "
          + socket + "; run as root)");
      return ExitCodes.FAILURE;
    }
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap("stats\n".getBytes(StandardCharsets.UTF_8)));
      ch.shutdownOutput();
      String text = new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
      PrintWriter out = spec.commandLine().getOut();
      out.print(text);
      out.flush();
      return ExitCodes.OK;
    } catch (AccessDeniedException e) {
      err.println("uringfuse stats: permission denied: the control socket is root only (run it with sudo)");
      return ExitCodes.FAILURE;
    } catch (IOException e) {
      err.println("uringfuse stats: cannot reach the server of " + mountpoint + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    }
  }
}
