package io.veneer.portal.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Open server-sent-event streams with what each one is about. A stream that cannot be written to is
 * dropped (the browser's EventSource reconnects by itself); a comment every 25 s keeps idle streams
 * open through proxies and finds dead ones.
 *
 * @param <S> what the portal knows about one stream (whose it is, what it shows)
 */
public final class SseSubscribers<S> implements AutoCloseable {

  /** Longest a stream stays open; the browser then opens a new one. */
  private static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

  private final List<Subscriber<S>> subscribers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService heartbeat =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("sse-heartbeat").factory());

  public SseSubscribers() {
    heartbeat.scheduleWithFixedDelay(
        () -> subscribers.forEach(s -> send(s, SseEmitter.event().comment("keep-alive"))),
        25,
        25,
        TimeUnit.SECONDS);
  }

  private record Subscriber<S>(S about, SseEmitter emitter) {}

  /** Opens a stream about {@code about}. */
  public SseEmitter open(S about) {
    SseEmitter emitter = new SseEmitter(STREAM_LIFETIME.toMillis());
    Subscriber<S> subscriber = new Subscriber<>(about, emitter);
    emitter.onCompletion(() -> subscribers.remove(subscriber));
    emitter.onTimeout(() -> subscribers.remove(subscriber));
    emitter.onError(e -> subscribers.remove(subscriber));
    subscribers.add(subscriber);
    // A first write commits the response, so the browser knows at once the stream is open.
    send(subscriber, SseEmitter.event().comment("open"));
    return emitter;
  }

  /** Sends each stream what {@code message} makes for it; nothing where it answers null. */
  public void publish(Function<S, SseEmitter.SseEventBuilder> message) {
    for (Subscriber<S> subscriber : subscribers) {
      SseEmitter.SseEventBuilder event = message.apply(subscriber.about());
      if (event != null) {
        send(subscriber, event);
      }
    }
  }

  public int size() {
    return subscribers.size();
  }

  private void send(Subscriber<S> subscriber, SseEmitter.SseEventBuilder event) {
    try {
      subscriber.emitter().send(event);
    } catch (IOException | IllegalStateException e) {
      subscribers.remove(subscriber);
      subscriber.emitter().completeWithError(e);
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    for (Subscriber<S> subscriber : subscribers) {
      try {
        subscriber.emitter().complete();
      } catch (IllegalStateException e) {
        // The web server stopped first and recycled the response: the stream is closed already.
      }
    }
  }
}
