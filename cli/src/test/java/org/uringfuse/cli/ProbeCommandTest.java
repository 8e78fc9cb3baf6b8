package org.uringfuse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uringfuse.fuse.FuseUringSupport;
import picocli.CommandLine;

/** {@code uringfuse probe} on this machine: io_uring present, enable_uring as the file says. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProbeCommandTest {

  @Test
  void reportsIoUringAndFuseOverIoUring() throws Exception {
    StringWriter text = new StringWriter();
    CommandLine cl = Main.commandLine("");
    cl.setOut(new PrintWriter(text));
    int code = cl.execute("probe");
    String out = text.toString();
    assertTrue(out.contains("io_uring:            available"), out);
    assertTrue(out.contains("URING_CMD"), out);
    assertTrue(out.contains("event loop backend:  io_uring"), out);
    String enable = Files.readString(FuseUringSupport.ENABLE_URING).trim();
    assertTrue(out.contains("enable_uring:        " + enable), out);
    if (enable.equals("Y")) {
      assertEquals(ExitCodes.OK, code, out);
      assertTrue(out.contains("FUSE-over-io_uring:  usable"), out);
    } else {
      assertEquals(ExitCodes.NO_FUSE_URING, code, out);
      assertTrue(out.contains("echo Y > /sys/module/fuse/parameters/enable_uring"), out);
    }
  }

  @Test
  void helpListsExitCodes() {
    StringWriter text = new StringWriter();
    CommandLine cl = Main.commandLine("");
    cl.setOut(new PrintWriter(text));
    assertEquals(0, cl.execute("--help"));
    assertTrue(text.toString().contains("3   FUSE-over-io_uring"), text.toString());
  }
}
