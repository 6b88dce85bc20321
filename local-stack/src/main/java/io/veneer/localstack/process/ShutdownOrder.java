package io.veneer.localstack.process;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the stack started, to be stopped newest first, so that nothing is stopped while something
 * that depends on it still runs (agents before the control plane, the control plane before
 * PostgreSQL). Safe to call {@link #stopAll} from a shutdown hook and the main thread alike.
 */
public final class ShutdownOrder {

  /** Something that was started and must be stopped again. */
  @FunctionalInterface
  public interface Stoppable {
    void stop() throws Exception;
  }

  /** Hears about each part as it is stopped. */
  public interface Listener {
    void stopping(String name);

    void stopped(String name, Duration took);

    void failed(String name, Exception failure);
  }

  private record Started(String name, Stoppable stoppable) {}

  /** Thrown by {@link #add} once the stack is being stopped: the part was stopped at once. */
  public static final class StoppingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoppingException(String name) {
      super("The stack is stopping; " + name + " was stopped again at once");
    }
  }

  private final Deque<Started> started = new ArrayDeque<>();
  private boolean stopping;

  /**
   * Remembers a part that was just started. A part started while the stack stops (Ctrl-C during
   * {@code up}) is stopped at once, so that nothing outlives the launcher.
   */
  public synchronized void add(String name, Stoppable stoppable) {
    if (stopping) {
      try {
        stoppable.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // Reported by the exception below; the caller is being stopped anyway.
      }
      throw new StoppingException(name);
    }
    started.push(new Started(name, stoppable));
  }

  public synchronized boolean stopping() {
    return stopping;
  }

  /** Stops everything, newest first; one part failing to stop does not keep the others running. */
  public synchronized void stopAll(Listener listener) {
    stopping = true;
    while (!started.isEmpty()) {
      Started next = started.pop();
      listener.stopping(next.name());
      long begin = System.nanoTime();
      try {
        next.stoppable().stop();
        listener.stopped(next.name(), Duration.ofNanos(System.nanoTime() - begin));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        listener.failed(next.name(), e);
      } catch (Exception e) {
        listener.failed(next.name(), e);
      }
    }
  }
}
