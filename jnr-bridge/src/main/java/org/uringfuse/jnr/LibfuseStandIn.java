package org.uringfuse.jnr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Lets a jnr-fuse filesystem be constructed on a machine without libfuse 2. jnr-fuse's
 * {@code AbstractFuseFS} constructor loads {@code libfuse} through jnr-ffi and fails when it is
 * missing, although the bridge never calls into it (it replaces the filesystem's {@code libFuse}
 * right after construction, see {@link BridgeLibFuse}). When {@code libfuse.so.2} cannot be opened,
 * this adds a directory to jnr-ffi's {@code jnr.ffi.library.path} holding {@code libfuse.so.99}, a
 * symbolic link to the C library already loaded in the process: jnr-ffi then loads it, resolves
 * nothing from it, and would only fail if a libfuse function were called.
 *
 * <p>jnr-ffi reads its search path when it first loads a library, so this must run before any
 * jnr-fuse filesystem is constructed: {@code UringFuse.mount(MyFs::new, ...)} does that.
 *
 * <p>Threads: {@link #prepare} is synchronized; it runs once per process.
 */
final class LibfuseStandIn {
  static final String SEARCH_PATH_PROPERTY = "jnr.ffi.library.path";
  private static boolean prepared;

  private LibfuseStandIn() {}

  /** Whether the dynamic linker can open the real libfuse 2. */
  static boolean libfuseInstalled() {
    try (Arena arena = Arena.ofConfined()) {
      SymbolLookup.libraryLookup("libfuse.so.2", arena);
      return true;
    } catch (IllegalArgumentException notFound) {
      return false;
    }
  }

  /** Puts the stand-in on jnr-ffi's search path when libfuse 2 is missing. Returns whether it did. */
  static synchronized boolean prepare() {
    if (prepared || libfuseInstalled()) {
      return prepared;
    }
    try {
      Path dir = Files.createTempDirectory("uringfuse-libfuse-stand-in");
      dir.toFile().deleteOnExit();   // deleted last: deleteOnExit runs in reverse order
      Path link = Files.createSymbolicLink(dir.resolve("libfuse.so.99"), loadedLibc());
      link.toFile().deleteOnExit();
      String before = System.getProperty(SEARCH_PATH_PROPERTY);
      System.setProperty(SEARCH_PATH_PROPERTY, before == null || before.isEmpty() ? dir.toString() : before + ":" + dir);
      prepared = true;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the libfuse stand-in", e);
    }
  }

  /** The C library this process runs with, from /proc/self/maps. */
  private static Path loadedLibc() throws IOException {
    try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
      return maps.map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.startsWith("/") && Path.of(p).getFileName().toString().startsWith("libc.so"))
          .findFirst().map(Path::of)
          .orElseThrow(() -> new IOException("no libc.so in /proc/self/maps"));
    }
  }
}
