package io.veneer.outbox;

import java.sql.Timestamp;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes events into the outbox table inside the caller's transaction, so an event exists exactly
 * when the state change it describes was committed.
 */
public class Outbox {

  private final JdbcTemplate jdbc;

  public Outbox(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Appends the event to the current transaction.
   *
   * @throws IllegalTransactionStateException when called outside a transaction, where the event
   *     could be published for a change that never commits, or lost for one that does
   */
  public void append(OutboxEvent event) {
    appendAll(List.of(event));
  }

  /**
   * Appends the events, in order, to the current transaction in one JDBC batch: one round trip for
   * a whole placement batch's or status batch's events rather than one each.
   *
   * @throws IllegalTransactionStateException when called outside a transaction (see {@link
   *     #append})
   */
  public void appendAll(List<OutboxEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalTransactionStateException(
          "Outbox.append must run inside the transaction that changes the aggregate "
              + events.getFirst().key());
    }
    jdbc.batchUpdate(
        """
        INSERT INTO outbox_event (event_id, topic, record_key, aggregate_version, event_type,
                                  source, data_schema, payload, occurred_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        events.stream()
            .map(
                event ->
                    new Object[] {
                      event.eventId(),
                      event.topic(),
                      event.key(),
                      event.aggregateVersion(),
                      event.type(),
                      event.source(),
                      event.payload().getDescriptorForType().getFullName(),
                      event.payload().toByteArray(),
                      Timestamp.from(event.occurredAt())
                    })
            .toList());
  }
}
