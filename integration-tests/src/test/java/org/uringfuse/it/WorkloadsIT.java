package org.uringfuse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.uringfuse.export.passthrough.PassthroughFs;
import org.uringfuse.export.passthrough.PassthroughOptions;
import org.uringfuse.fuse.transport.TransportKind;
import org.uringfuse.testkit.MountFixture;

/** The workload scripts users run, with short durations, on real mounts of both transports. */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class WorkloadsIT {
  static final Path WORKLOADS = Path.of("workloads").toAbsolutePath();

  @TempDir
  Path dir;

  static String run(String... cmd) throws IOException, InterruptedException {
    MountFixture.Finished f = MountFixture.runBounded(java.time.Duration.ofSeconds(300), cmd);
    assertEquals(0, f.exitCode(), String.join(" ", cmd) + "\n" + f.output());
    return f.output();
  }

  @ParameterizedTest
  @EnumSource(names = {"CLASSIC", "URING"})
  void workloadScriptsRunOnAMount(TransportKind t) throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    try (MountFixture m = MountFixture.mount(PassthroughFs.open(src, PassthroughOptions.defaults()), t)) {
      String meta = run(WORKLOADS.resolve("metadata-storm.sh").toString(), m.mnt.toString(), "--files", "200");
      assertTrue(meta.contains("unlink") && meta.contains("ops/s"), meta);
      String tree = run(WORKLOADS.resolve("source-tree.sh").toString(), m.mnt.toString(), "--files", "500");
      assertTrue(tree.contains("unpack") && tree.contains("delete"), tree);
      String fio = run(WORKLOADS.resolve("fio-profiles.sh").toString(), m.mnt.toString(),
          "--seconds", "1", "--size", "16m");
      assertTrue(fio.contains("mixed-70-30") && fio.contains("randwrite-4k-qd16"), fio);
      assertTrue(m.server.stats().requests(t == TransportKind.URING ? "uring" : "classic") > 0);
      try (var s = Files.list(src)) {
        assertEquals(0, s.count(), "the workloads clean up after themselves");
      }
    }
  }

  @Test
  void compareMountsEachTransportAndPrintsRatios() throws Exception {
    Path src = Files.createDirectory(dir.resolve("cmp"));
    String out = run(WORKLOADS.resolve("compare.sh").toString(), src.toString(), "--seconds", "1", "--size", "16m");
    assertTrue(out.contains("uringfuse-uring") && out.contains("uringfuse-classic"), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("randread-4k-qd1\\s+[\\d,]+\\s+[\\d.]+x.*")), out);
  }

  @Test
  void everyScriptDescribesItself() throws Exception {
    for (String s : new String[] {"fio-profiles.sh", "metadata-storm.sh", "source-tree.sh", "compare.sh"}) {
      String help = run(WORKLOADS.resolve(s).toString(), "--help");
      assertTrue(help.contains("usage:"), s + ": " + help);
    }
  }
}
