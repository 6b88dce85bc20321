package io.veneer.outbox;

/** Kafka did not take a batch of outbox events; the batch stays pending and is retried. */
public class OutboxPublishException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public OutboxPublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
