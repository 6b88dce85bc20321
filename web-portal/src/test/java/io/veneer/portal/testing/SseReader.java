package io.veneer.portal.testing;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Reads a server-sent-event stream on its own thread; tests wait for the events they expect. */
public final class SseReader implements AutoCloseable {

  /** One event: its name and its (single-line) data. */
  public record Event(String name, String data) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Stream<String> lines;

  public SseReader(HttpResponse<Stream<String>> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("The stream answered " + response.statusCode());
    }
    this.lines = response.body();
    Thread.ofVirtual().start(this::read);
  }

  private void read() {
    String[] name = {"message"};
    try {
      lines.forEach(
          line -> {
            if (line.startsWith("event:")) {
              name[0] = line.substring("event:".length()).strip();
            } else if (line.startsWith("data:")) {
              events.add(new Event(name[0], line.substring("data:".length())));
              name[0] = "message";
            }
          });
    } catch (RuntimeException e) {
      // the stream was closed
    }
  }

  /** The first event (in order) that matches, within {@code timeout}; earlier ones are skipped. */
  public Optional<Event> await(Predicate<Event> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        Event event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (event != null && wanted.test(event)) {
          return Optional.of(event);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  /** Every event received so far that nobody awaited, without waiting. */
  public java.util.List<Event> drain() {
    java.util.List<Event> drained = new java.util.ArrayList<>();
    events.drainTo(drained);
    return drained;
  }

  @Override
  public void close() {
    lines.close();
  }
}
