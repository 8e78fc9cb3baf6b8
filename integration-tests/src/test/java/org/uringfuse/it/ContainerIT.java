package org.uringfuse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The container image, built from the project's Dockerfile, serving a directory and a disk image
 * inside privileged containers; also with only CAP_SYS_ADMIN + /dev/fuse, and with a seccomp profile
 * that refuses io_uring, where it must fall back to /dev/fuse and say why. No image is ever pulled:
 * the base images come from ../shared/containers/docker-setup.sh --jdk-image (run by .ci/run).
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class ContainerIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String SECCOMP_NO_IO_URING = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
      + "[\"io_uring_setup\",\"io_uring_enter\",\"io_uring_register\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}";
  static String image;

  @TempDir
  Path dir;

  @BeforeAll
  static void buildImages() throws Exception {
    assertTrue(DockerClientFactory.instance().isDockerAvailable(),
        "Docker is required: run ../shared/containers/docker-setup.sh --jdk-image (.ci/run does)");
    // The build stage must trust the TLS of the package registry as seen from this machine: give the
    // local JDK image the host's trust store.
    new ImageFromDockerfile("local/uringfuse-build", false)
        .withFileFromPath("cacerts", Path.of("/etc/ssl/certs/java/cacerts"))
        .withFileFromString("Dockerfile", "FROM local/bookworm-jdk25:latest\nCOPY cacerts /etc/ssl/certs/java/cacerts\n")
        .get(10, TimeUnit.MINUTES);
    image = new ImageFromDockerfile("uringfuse-it", false)
        .withDockerfile(ROOT.resolve("Dockerfile"))
        .withBuildArg("BUILD_IMAGE", "local/uringfuse-build:latest")
        .withBuildArg("BASE_IMAGE", "local/bookworm:base")
        .get(15, TimeUnit.MINUTES);
  }

  static GenericContainer<?> server(Consumer<com.github.dockerjava.api.command.CreateContainerCmd> hostConfig,
      Path source, String sourceInContainer, String mountpoint, boolean privileged) {
    GenericContainer<?> c = new GenericContainer<>(image)
        .withImagePullPolicy(name -> false)
        .withPrivilegedMode(privileged)
        .withFileSystemBind(source.toString(), sourceInContainer)
        .withCreateContainerCmdModifier(cmd -> {
          cmd.getHostConfig().withDevices(Device.parse("/dev/fuse"));
          hostConfig.accept(cmd);
        })
        .withCommand("mount", sourceInContainer, mountpoint, "--foreground")
        .waitingFor(Wait.forLogMessage("mounted .*\\n", 1).withStartupTimeout(Duration.ofSeconds(60)));
    return c;
  }

  /** docker stop (SIGTERM); returns the exit code after asserting a clean unmount in the log. */
  static long stop(GenericContainer<?> c) {
    DockerClient docker = c.getDockerClient();
    docker.stopContainerCmd(c.getContainerId()).withTimeout(20).exec();
    long code = docker.inspectContainerCmd(c.getContainerId()).exec().getState().getExitCodeLong();
    assertTrue(c.getLogs().contains("SIGTERM: unmounting"), c.getLogs());
    return code;
  }

  static String exec(GenericContainer<?> c, String script) throws IOException, InterruptedException {
    ExecResult r = c.execInContainer("sh", "-c", script);
    assertEquals(0, r.getExitCode(), script + "\n" + r.getStdout() + r.getStderr());
    return r.getStdout();
  }

  @Test
  void privilegedContainerServesADirectoryAndADiskImage() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Files.writeString(src.resolve("from-host"), "hello container");
    try (GenericContainer<?> c = server(cmd -> { }, src, "/data", "/mnt/data", true)) {
      c.start();
      assertTrue(c.getLogs().contains("mounted uring /mnt/data"), c.getLogs());
      assertEquals("hello container", exec(c, "cat /mnt/data/from-host"));
      assertTrue(exec(c, "uringfuse stats /mnt/data").contains("transport: uring"), "uringfuse is not a command in the image");
      exec(c, "for i in $(seq 100); do echo line$i >> /mnt/data/log.txt; done && mkdir -p /mnt/data/d/e"
          + " && dd if=/dev/urandom of=/mnt/data/blob bs=64k count=32 status=none && sync");
      assertEquals(100, Files.readAllLines(src.resolve("log.txt")).size());
      assertEquals(2 << 20, Files.size(src.resolve("blob")));
      assertTrue(Files.isDirectory(src.resolve("d/e")));
      assertEquals(0, stop(c));
    }
    Path img = dir.resolve("disk.raw");
    byte[] data = new byte[4 << 20];
    new java.util.Random(9).nextBytes(data);
    Files.write(img, data);
    try (GenericContainer<?> c = server(cmd -> { }, dir, "/images", "/mnt/disk.img", true)
        .withCommand("mount", "/images/disk.raw", "/mnt/disk.img", "--foreground")) {
      c.start();
      String sum = exec(c, "dd if=/mnt/disk.img bs=1M status=none | sha256sum").split(" ")[0];
      assertEquals(sha256(data), sum);
      exec(c, "printf written | dd of=/mnt/disk.img bs=1 seek=1000 conv=notrunc status=none");
      assertEquals("written", new String(Files.readAllBytes(img), 1000, 7, java.nio.charset.StandardCharsets.US_ASCII));
      assertEquals(0, stop(c));
    }
  }

  @Test
  void capSysAdminWithoutPrivilegedStillMounts() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Files.writeString(src.resolve("f"), "unprivileged");
    try (GenericContainer<?> c = server(cmd -> cmd.getHostConfig().withCapAdd(Capability.SYS_ADMIN),
        src, "/data", "/mnt/data", false)) {
      c.start();
      String logs = c.getLogs();
      assertTrue(logs.contains("mounted uring") || (logs.contains("mounted classic") && logs.contains("not used")), logs);
      assertEquals("unprivileged", exec(c, "cat /mnt/data/f"));
      exec(c, "echo more > /mnt/data/g");
      assertEquals("more\n", Files.readString(src.resolve("g")));
      assertEquals(0, stop(c));
    }
  }

  @Test
  void seccompThatRefusesIoUringFallsBackToDevFuseAndSaysWhy() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (GenericContainer<?> c = server(cmd -> cmd.getHostConfig().withCapAdd(Capability.SYS_ADMIN)
            .withSecurityOpts(List.of("seccomp=" + SECCOMP_NO_IO_URING)), src, "/data", "/mnt/data", false)) {
      c.start();
      String logs = c.getLogs();
      assertTrue(logs.contains("mounted classic /mnt/data"), logs);
      assertTrue(logs.contains("io_uring is unavailable") && logs.contains("EPERM"), logs);
      exec(c, "echo fallback > /mnt/data/h && cat /mnt/data/h");
      assertEquals("fallback\n", Files.readString(src.resolve("h")));
      assertEquals(0, stop(c));
    }
  }

  static String sha256(byte[] data) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
  }
}
