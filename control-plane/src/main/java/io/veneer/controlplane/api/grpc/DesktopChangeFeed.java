package io.veneer.controlplane.api.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.veneer.api.v1.DesktopChange;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.security.Caller;
import io.veneer.events.v1.DesktopEvent;
import io.veneer.outbox.KafkaProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every desktop change, from whichever replica made it, for this replica's watchers: one Kafka
 * consumer on the outbox relay's {@code veneer.desktops.v1} topic (all partitions, from the end, no
 * consumer group) fanned out to the {@link DesktopWatcher}s. A watcher registered while the feed
 * follows the topic sees every change published after it registered.
 */
@Component
class DesktopChangeFeed implements SmartLifecycle, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DesktopChangeFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final Duration READY_WAIT = Duration.ofSeconds(10);

  private final KafkaProperties kafka;
  private final ApiGrpcProperties properties;
  private final Set<DesktopWatcher> watchers = ConcurrentHashMap.newKeySet();
  private final Map<DesktopWatcher, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();
  private final Map<DesktopWatcher, ScheduledFuture<?>> accessChecks = new ConcurrentHashMap<>();
  private final ScheduledExecutorService expiryTimer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("desktop-watch-expiry").daemon().factory());
  private final RecentEventIds seen = new RecentEventIds(10_000);
  private final Object following = new Object();
  private boolean isFollowing; // guarded by following
  private volatile boolean running;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private Thread thread;

  DesktopChangeFeed(KafkaProperties kafka, ApiGrpcProperties properties) {
    this.kafka = kafka;
    this.properties = properties;
  }

  /**
   * Registers a watcher of the caller's desktops (of {@code pool}, when not null), ended with
   * UNAUTHENTICATED when the caller's token expires at {@code tokenExpiresAt} (unless null), and
   * with PERMISSION_DENIED once {@code access} (unless null), asked every {@code
   * veneer.api.watch-access-check-interval}, says the caller may no longer watch it (the pool's
   * entitlement, or for all their desktops any pool's).
   *
   * @throws StatusRuntimeException UNIMPLEMENTED without Kafka, UNAVAILABLE while the feed cannot
   *     follow the topic
   */
  DesktopWatcher watch(
      Caller caller,
      Instant tokenExpiresAt,
      UUID pool,
      BooleanSupplier access,
      ServerCallStreamObserver<DesktopChange> out) {
    if (!enabled()) {
      throw Status.UNIMPLEMENTED
          .withDescription(
              "Watching needs the event stream, and this control plane has no Kafka"
                  + " (veneer.kafka.bootstrap-servers)")
          .asRuntimeException();
    }
    synchronized (following) {
      awaitFollowing();
      DesktopWatcher watcher =
          new DesktopWatcher(caller, pool, out, properties.watchBufferSize(), this::ended);
      watchers.add(watcher);
      if (tokenExpiresAt != null) {
        expiries.put(watcher, endAtExpiry(watcher, tokenExpiresAt));
      }
      if (access != null) {
        accessChecks.put(watcher, endWithoutAccess(watcher, access, pool));
      }
      return watcher;
    }
  }

  private ScheduledFuture<?> endAtExpiry(DesktopWatcher watcher, Instant tokenExpiresAt) {
    return expiryTimer.schedule(
        () ->
            watcher.end(
                Status.UNAUTHENTICATED
                    .withDescription(
                        "The access token this watch was opened with expired: log in again and"
                            + " call WatchDesktops with the new token")
                    .asRuntimeException()),
        Math.max(0, Duration.between(Instant.now(), tokenExpiresAt).toMillis()),
        TimeUnit.MILLISECONDS);
  }

  private ScheduledFuture<?> endWithoutAccess(
      DesktopWatcher watcher, BooleanSupplier access, UUID pool) {
    long interval = properties.watchAccessCheckInterval().toMillis();
    String lost =
        pool == null
            ? "The caller is no longer entitled to any pool, so has no desktops to watch"
            : "The caller is no longer entitled to the pool this watch follows";
    return expiryTimer.scheduleWithFixedDelay(
        () -> {
          if (!access.getAsBoolean()) {
            watcher.end(Status.PERMISSION_DENIED.withDescription(lost).asRuntimeException());
          }
        },
        interval,
        interval,
        TimeUnit.MILLISECONDS);
  }

  private void ended(DesktopWatcher watcher) {
    watchers.remove(watcher);
    for (var timers : List.of(expiries, accessChecks)) {
      ScheduledFuture<?> timer = timers.remove(watcher);
      if (timer != null) {
        timer.cancel(false);
      }
    }
  }

  /** How many watches this replica serves now. */
  int watchers() {
    return watchers.size();
  }

  private boolean enabled() {
    return kafka.bootstrapServers() != null && !kafka.bootstrapServers().isBlank();
  }

  private void awaitFollowing() {
    Instant deadline = Instant.now().plus(READY_WAIT);
    try {
      while (!isFollowing && running && Instant.now().isBefore(deadline)) {
        following.wait(Duration.between(Instant.now(), deadline).toMillis() + 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!isFollowing) {
      throw Status.UNAVAILABLE
          .withDescription("The desktop change feed is not following Kafka yet; try again shortly")
          .asRuntimeException();
    }
  }

  @Override
  public void start() {
    if (!enabled()) {
      log.info("event=desktop-feed-disabled reason=no-kafka");
      return;
    }
    running = true;
    thread = Thread.ofPlatform().name("desktop-change-feed").daemon().start(this::run);
  }

  private void run() {
    String topic = kafka.topicPrefix() + DesktopEvents.TOPIC;
    while (running) {
      try (KafkaConsumer<String, byte[]> c = newConsumer()) {
        consumer = c;
        follow(c, topic);
      } catch (WakeupException e) {
        // stop() woke the consumer up.
      } catch (RuntimeException e) {
        log.warn("event=desktop-feed-failed topic={} error={}", topic, e.toString());
        // Changes may be lost until it follows again: its watchers must start afresh.
        stopFollowing(
            Status.UNAVAILABLE.withDescription(
                "The desktop change feed lost the event stream; call WatchDesktops again"));
        pause();
      }
    }
  }

  private void follow(KafkaConsumer<String, byte[]> c, String topic) {
    List<TopicPartition> partitions = partitions(c, topic);
    if (partitions.isEmpty()) {
      return;
    }
    c.assign(partitions);
    c.seekToEnd(partitions);
    // Resolves "the end" now, so a watcher registered from here on misses nothing.
    partitions.forEach(c::position);
    synchronized (following) {
      isFollowing = true;
      following.notifyAll();
    }
    log.info("event=desktop-feed-following topic={} partitions={}", topic, partitions.size());
    while (running) {
      for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
        publish(record);
      }
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, String topic) {
    List<TopicPartition> partitions =
        c.partitionsFor(topic, RETRY).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      log.warn("event=desktop-feed-waiting topic={} reason=topic-missing", topic);
      pause();
    }
    return partitions;
  }

  private void publish(ConsumerRecord<String, byte[]> record) {
    if (watchers.isEmpty()) {
      // Nobody to tell: a storm's events are not worth parsing (this feed was a twentieth of a
      // replica's work in one, with no watch open).
      return;
    }
    DesktopEvent event;
    try {
      event = DesktopEvent.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      log.warn(
          "event=desktop-feed-skipped partition={} offset={} reason=not-a-desktop-event",
          record.partition(),
          record.offset());
      return;
    }
    // Read committed, each event arrives once; kept as a guard: a repeat would show a watcher the
    // same move twice.
    if (seen.firstTime(event.getHeader().getEventId())) {
      watchers.forEach(w -> w.offer(event));
    }
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    return new KafkaConsumer<>(
        kafka.clientConfig(
            Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "veneer-api-desktop-watch",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "latest",
                // Only what the outbox relay committed: a batch it gave up is sent again.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed")),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private void stopFollowing(Status reason) {
    synchronized (following) {
      isFollowing = false;
      List.copyOf(watchers).forEach(w -> w.end(reason.asRuntimeException()));
    }
  }

  private void pause() {
    try {
      Thread.sleep(RETRY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void destroy() {
    expiryTimer.shutdownNow();
  }

  @Override
  public void stop() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stopFollowing(
        Status.UNAVAILABLE.withDescription(
            "This control plane is shutting down; call WatchDesktops again to reach another"));
    synchronized (following) {
      following.notifyAll();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Ids of the last events seen, oldest forgotten first; used by the feed thread only. */
  private static final class RecentEventIds {

    private final Map<String, Boolean> ids;

    RecentEventIds(int capacity) {
      this.ids =
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > capacity;
            }
          };
    }

    boolean firstTime(String eventId) {
      return ids.put(eventId, Boolean.TRUE) == null;
    }
  }
}
