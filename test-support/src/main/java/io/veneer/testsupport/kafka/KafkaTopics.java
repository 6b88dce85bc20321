package io.veneer.testsupport.kafka;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topics of one test class: every name carries the class's own prefix, so classes sharing the
 * broker never read each other's records. Services under test take the prefix as their {@code
 * veneer.kafka.topic-prefix} setting.
 */
public record KafkaTopics(String bootstrapServers, String prefix) {

  /** The full name of a topic of this test class, e.g. {@code t3.veneer.desktops.v1}. */
  public String name(String topic) {
    return prefix + topic;
  }

  /** Creates the named topics (before prefixing) with the given partition count. */
  public List<String> create(int partitions, String... topics) {
    List<String> names = Arrays.stream(topics).map(this::name).toList();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin
          .createTopics(names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics " + names, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not create topics " + names, e);
    }
    return names;
  }
}
