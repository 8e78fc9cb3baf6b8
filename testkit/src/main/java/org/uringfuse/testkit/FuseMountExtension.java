package org.uringfuse.testkit;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.uringfuse.fuse.api.Filesystem;
import org.uringfuse.fuse.server.MountOptions;
import org.uringfuse.fuse.transport.TransportKind;

/**
 * Runs each {@link MountTest} of a class once per transport, on a fresh real mount of the
 * filesystem under test in a temporary directory, and fails the test when the mount, once the test
 * is done, had requests left unanswered, stayed mounted or leaked a kernel fd:
 *
 * <pre>{@code
 * class MyFsTest {
 *   @RegisterExtension
 *   static final FuseMountExtension MOUNTS = FuseMountExtension.serving(MyFs::new);
 *
 *   @MountTest
 *   void writesAndReadsBack(MountFixture m) throws IOException {
 *     Files.writeString(m.path().resolve("f"), "hello");
 *     assertEquals("hello", Files.readString(m.path().resolve("f")));
 *   }
 * }
 * }</pre>
 *
 * The uring transport needs FUSE-over-io_uring (see {@link MountFixture#requireTransport}); the
 * test is unmounted and checked whatever it did, failed or not.
 */
public final class FuseMountExtension implements TestTemplateInvocationContextProvider {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FuseMountExtension.class);

  private final Mounter mounter;
  private final List<TransportKind> transports;

  private FuseMountExtension(Mounter mounter, List<TransportKind> transports) {
    this.mounter = mounter;
    this.transports = transports;
  }

  /** A fresh {@link Filesystem} from {@code filesystems} per test, default mount options. */
  public static FuseMountExtension serving(Supplier<? extends Filesystem> filesystems) {
    return mounting(Mounter.of(filesystems));
  }

  /** A fresh {@link Filesystem} from {@code filesystems} per test, mounted with {@code options}. */
  public static FuseMountExtension serving(Supplier<? extends Filesystem> filesystems, MountOptions options) {
    return mounting(Mounter.of(filesystems, options));
  }

  /** Whatever {@code mounter} serves (a jnr-fuse filesystem through {@code UringFuse.mount}...). */
  public static FuseMountExtension mounting(Mounter mounter) {
    return new FuseMountExtension(mounter, List.of(TransportKind.URING, TransportKind.CLASSIC));
  }

  /** The same, on these transports only. */
  public FuseMountExtension on(TransportKind... only) {
    return new FuseMountExtension(mounter, Arrays.asList(only));
  }

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getTestMethod().map(m -> m.isAnnotationPresent(MountTest.class)).orElse(false);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    return transports.stream().map(Invocation::new);
  }

  /** One run of a test: its mount made before, handed in as a parameter, checked and removed after. */
  private final class Invocation implements TestTemplateInvocationContext, BeforeEachCallback, AfterEachCallback,
      ParameterResolver {
    private final TransportKind transport;

    Invocation(TransportKind transport) {
      this.transport = transport;
    }

    @Override
    public String getDisplayName(int invocationIndex) {
      return "over " + transport.name().toLowerCase();
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(this);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
      context.getStore(NAMESPACE).put(MountFixture.class, MountFixture.mount(mounter, transport, false));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
      MountFixture m = context.getStore(NAMESPACE).remove(MountFixture.class, MountFixture.class);
      if (m != null) {
        m.close();
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == MountFixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context.getStore(NAMESPACE).get(MountFixture.class, MountFixture.class);
    }
  }
}
