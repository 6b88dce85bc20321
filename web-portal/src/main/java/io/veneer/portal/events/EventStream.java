package io.veneer.portal.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.veneer.events.v1.DesktopEvent;
import io.veneer.events.v1.HostEvent;
import io.veneer.events.v1.ImageEvent;
import io.veneer.events.v1.PoolEvent;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads the four {@code veneer.*.v1} topics and tells every {@link FleetEventListener}. Each portal
 * replica reads every partition itself (assigned, no consumer group): live views are per replica
 * and start from "now", so there is nothing to commit. Topics that appear later are read from their
 * beginning. Read committed, each event arrives once (the outbox relay's transactions); events are
 * still de-duplicated on their id, as a guard.
 */
@Component
public class EventStream implements SmartLifecycle {

  static final List<String> TOPICS =
      List.of("veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1", "veneer.images.v1");

  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  private static final Duration TOPIC_CHECK_INTERVAL = Duration.ofSeconds(10);
  private static final int REMEMBERED_EVENT_IDS = 10_000;

  private final KafkaSettings settings;
  private final List<FleetEventListener> listeners;
  private final CountDownLatch positioned = new CountDownLatch(1);
  private final Map<String, Boolean> seen =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_EVENT_IDS;
        }
      };
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean running;
  private Thread thread;

  EventStream(KafkaSettings settings, List<FleetEventListener> listeners) {
    this.settings = settings;
    this.listeners = List.copyOf(listeners);
  }

  /** Whether the stream is positioned on its topics within {@code timeout} (for tests). */
  public boolean awaitPositioned(Duration timeout) throws InterruptedException {
    return positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void start() {
    if (settings.bootstrapServers().isBlank()) {
      log.warn("event=live-updates.off reason=\"veneer.kafka.bootstrap-servers is empty\"");
      return;
    }
    consumer =
        new KafkaConsumer<>(
            settings.clientConfig(
                Map.of(
                    ConsumerConfig.CLIENT_ID_CONFIG,
                    "veneer-portal",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false,
                    // Only what the outbox relay committed: a batch it gave up is sent again.
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class)));
    running = true;
    thread = Thread.ofPlatform().name("portal-event-stream").daemon().start(this::run);
  }

  @Override
  public void stop() {
    running = false;
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
      try {
        thread.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void run() {
    Set<TopicPartition> assigned = new HashSet<>();
    long nextTopicCheck = 0;
    try (KafkaConsumer<byte[], byte[]> kafka = consumer) {
      while (running) {
        try {
          if (System.nanoTime() - nextTopicCheck >= 0) {
            follow(kafka, assigned);
            positioned.countDown();
            nextTopicCheck = System.nanoTime() + TOPIC_CHECK_INTERVAL.toNanos();
          }
          for (ConsumerRecord<byte[], byte[]> record : kafka.poll(Duration.ofMillis(500))) {
            decode(record).ifPresent(this::dispatch);
          }
        } catch (WakeupException e) {
          return;
        } catch (KafkaException e) {
          log.warn("event=live-updates.retry error=\"{}\"", e.getMessage());
          sleep(Duration.ofSeconds(1));
        }
      }
    }
  }

  /**
   * Assigns every partition of the topics. Those known at the first look start at their end (a live
   * view shows what happens from now); those that appear later start at their beginning.
   */
  private void follow(KafkaConsumer<byte[], byte[]> kafka, Set<TopicPartition> assigned) {
    boolean first = assigned.isEmpty() && positioned.getCount() > 0;
    Map<String, List<PartitionInfo>> topics = kafka.listTopics(Duration.ofSeconds(5));
    Set<TopicPartition> wanted = new HashSet<>();
    for (String topic : TOPICS) {
      for (PartitionInfo partition :
          topics.getOrDefault(settings.topicPrefix() + topic, List.of())) {
        wanted.add(new TopicPartition(partition.topic(), partition.partition()));
      }
    }
    Set<TopicPartition> added = new HashSet<>(wanted);
    added.removeAll(assigned);
    if (added.isEmpty()) {
      return;
    }
    kafka.assign(wanted);
    if (first) {
      kafka.seekToEnd(added);
    } else {
      kafka.seekToBeginning(added);
    }
    added.forEach(kafka::position); // resolve the seek now, so "positioned" means it
    assigned.addAll(added);
    log.info("event=live-updates.assigned partitions={} fromEnd={}", added.size(), first);
  }

  private Optional<FleetEvent> decode(ConsumerRecord<byte[], byte[]> record) {
    String topic = record.topic().substring(settings.topicPrefix().length());
    try {
      FleetEvent event =
          switch (topic) {
            case "veneer.desktops.v1" ->
                new FleetEvent.DesktopChanged(DesktopEvent.parseFrom(record.value()));
            case "veneer.hosts.v1" ->
                new FleetEvent.HostChanged(HostEvent.parseFrom(record.value()));
            case "veneer.pools.v1" ->
                new FleetEvent.PoolChanged(PoolEvent.parseFrom(record.value()));
            case "veneer.images.v1" ->
                new FleetEvent.ImageChanged(ImageEvent.parseFrom(record.value()));
            default -> null;
          };
      if (event == null || seen.put(event.header().getEventId(), Boolean.TRUE) != null) {
        return Optional.empty();
      }
      return Optional.of(event);
    } catch (InvalidProtocolBufferException e) {
      log.warn(
          "event=live-updates.unreadable topic={} offset={} error=\"{}\"",
          record.topic(),
          record.offset(),
          e.getMessage());
      return Optional.empty();
    }
  }

  private void dispatch(FleetEvent event) {
    for (FleetEventListener listener : listeners) {
      try {
        listener.on(event);
      } catch (RuntimeException e) {
        log.warn("event=live-updates.listener-failed error=\"{}\"", e.getMessage(), e);
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
