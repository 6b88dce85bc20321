package io.veneer.testsupport.junit;

import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;

/** Backs {@link RealKafka}. */
public final class RealKafkaExtension extends PerClassResource<KafkaTopics> {

  public RealKafkaExtension() {
    super(KafkaTopics.class, TestKafka::freshTopics);
  }
}
