package org.uringfuse.jnr;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.NotImplemented;

/**
 * Which callbacks a jnr-fuse filesystem implements, decided the way jnr-fuse decides which
 * {@code fuse_operations} slots to fill: a public method carrying {@link NotImplemented} (every method
 * of {@code FuseStubFS} that a subclass did not override) is absent, and libfuse's rule for an absent
 * operation applies (ENOSYS for most, success or a default for a few).
 *
 * <p>Threads: immutable after construction.
 */
final class Callbacks {
  private final Set<String> missing;

  Callbacks(FuseFS fs) {
    missing = Arrays.stream(fs.getClass().getMethods())
        .filter(m -> m.getAnnotation(NotImplemented.class) != null)
        .map(Method::getName)
        .collect(Collectors.toUnmodifiableSet());
  }

  boolean has(String callback) {
    return !missing.contains(callback);
  }
}
