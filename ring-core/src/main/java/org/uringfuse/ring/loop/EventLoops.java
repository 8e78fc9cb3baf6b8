package org.uringfuse.ring.loop;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.uringfuse.ring.IoUring;

/**
 * Creates event loops and picks the backend: io_uring when {@link IoUring#availability()} says it
 * works, otherwise epoll, with the choice and its reason logged once per process.
 */
public final class EventLoops {
  private static final System.Logger LOG = System.getLogger(EventLoops.class.getName());
  private static volatile boolean choiceLogged;

  private EventLoops() {}

  /** The backend {@code AUTO} resolves to on this machine. */
  public static LoopOptions.Backend resolve(LoopOptions.Backend requested) {
    if (requested != LoopOptions.Backend.AUTO) {
      return requested;
    }
    IoUring.Availability a = IoUring.availability();
    LoopOptions.Backend chosen = a.supported() ? LoopOptions.Backend.IO_URING : LoopOptions.Backend.EPOLL;
    if (!choiceLogged) {
      choiceLogged = true;
      if (a.supported()) {
        LOG.log(Level.DEBUG, "event loop backend: io_uring");
      } else {
        LOG.log(Level.WARNING, "event loop backend: epoll, because io_uring is unavailable: {0}", a.reason());
      }
    }
    return chosen;
  }

  /** A loop owned by the calling thread, which drives it with {@link EventLoop#runOnce}. */
  public static EventLoop openHere(LoopOptions options) {
    return switch (resolve(options.backend())) {
      case IO_URING -> new UringEventLoop(options);
      case EPOLL -> new EpollEventLoop(options);
      case AUTO -> throw new AssertionError();
    };
  }

  /**
   * Starts a loop on a new platform thread named {@code name} that runs until {@link EventLoop#close()}.
   * Returns once the loop exists (the ring is created on its own thread, as SINGLE_ISSUER requires).
   */
  public static EventLoop start(String name, LoopOptions options) {
    return start(name, options, death -> { });
  }

  /**
   * As {@link #start(String, LoopOptions)}, and when the loop dies (an Error, or a failure of the
   * ring itself, escapes an iteration) calls {@code onDeath} on the dying thread after logging it:
   * every request queued to that loop would otherwise wait forever.
   */
  public static EventLoop start(String name, LoopOptions options, Consumer<Throwable> onDeath) {
    CompletableFuture<EventLoop> created = new CompletableFuture<>();
    Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
      EventLoop loop;
      try {
        loop = openHere(options);
      } catch (Throwable e) {
        created.completeExceptionally(e);
        return;
      }
      created.complete(loop);
      try {
        switch (loop) {
          case UringEventLoop u -> u.run();
          case EpollEventLoop e -> e.run();
          default -> throw new AssertionError(loop);
        }
      } catch (Throwable death) {
        LOG.log(Level.ERROR, "event loop " + name + " died", death);
        onDeath.accept(death);
      }
    });
    t.start();
    try {
      return created.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("event loop " + name + " failed to start", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("event loop " + name + " did not start within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + name, e);
    }
  }
}
