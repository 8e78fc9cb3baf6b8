package org.uringfuse.fuse.server;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.uringfuse.examples.MemoryFsMain;
import org.uringfuse.ring.IoUring;

/** A MemoryFs server in a child JVM, for tests that signal or kill the server process. */
final class ServerProcess implements AutoCloseable {
  final Process process;
  final List<String> output = new CopyOnWriteArrayList<>();

  private ServerProcess(Process p) {
    this.process = p;
    Thread.ofPlatform().daemon(true).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
        }
      } catch (IOException e) {
        output.add("reader: " + e);
      }
    });
  }

  static ServerProcess start(Path mountpoint, String transport) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    String cp = location(MemoryFsMain.class) + ":" + location(FuseServer.class) + ":" + location(IoUring.class);
    Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
        MemoryFsMain.class.getName(), mountpoint.toString(), transport)
        .redirectErrorStream(true).start();
    ServerProcess sp = new ServerProcess(p);
    await().atMost(Duration.ofSeconds(20)).until(() -> sp.output.stream().anyMatch(l -> l.startsWith("mounted"))
        || !p.isAlive());
    if (!p.isAlive()) {
      throw new IOException("server exited early: " + sp.output);
    }
    return sp;
  }

  String transport() {
    return output.stream().filter(l -> l.startsWith("mounted ")).findFirst().orElse("").substring(8);
  }

  private static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
