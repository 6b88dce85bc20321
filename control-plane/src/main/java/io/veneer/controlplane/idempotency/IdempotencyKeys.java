package io.veneer.controlplane.idempotency;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Remembers which resource a caller's create with a given Idempotency-Key made, for {@code
 * veneer.idempotency.ttl}; a key is 1-255 printable ASCII characters. The row is written in the
 * create's own transaction: a concurrent repeat blocks on the primary key until the first commits,
 * then finds its result; if the first rolls back, the repeat goes ahead itself. An expired key's
 * row is taken over by the next create that sends it, or deleted by {@link
 * IdempotencyHousekeeping}.
 */
@Component
public class IdempotencyKeys {

  static final int MAX_KEY_LENGTH = 255;

  private final JdbcTemplate jdbc;
  private final IdempotencyProperties properties;

  IdempotencyKeys(JdbcTemplate jdbc, IdempotencyProperties properties) {
    this.jdbc = jdbc;
    this.properties = properties;
  }

  /**
   * Reserves the key for {@code resourceId}. Returns empty when this call owns the key, or the id
   * of the resource an earlier call with the same key and request made.
   *
   * @throws IdempotencyKeyReusedException when the key was used for a different request
   * @throws IllegalArgumentException when the key is empty, longer than 255 characters or not
   *     printable ASCII
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public Optional<String> reserve(
      String principal, String key, String operation, String requestHash, String resourceId) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.matches("[\\x21-\\x7e]+")) {
      throw new IllegalArgumentException(
          "Idempotency-Key must be 1-" + MAX_KEY_LENGTH + " printable ASCII characters");
    }
    int inserted =
        jdbc.update(
            """
            INSERT INTO idempotency_key (principal, key, operation, request_hash, resource_id)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (principal, key) DO UPDATE
              SET operation = EXCLUDED.operation, request_hash = EXCLUDED.request_hash,
                  resource_id = EXCLUDED.resource_id, created_at = now()
              WHERE idempotency_key.created_at < now() - make_interval(secs => ?)
            """,
            principal,
            key,
            operation,
            requestHash,
            resourceId,
            properties.ttl().toSeconds());
    if (inserted == 1) {
      return Optional.empty();
    }
    List<String[]> earlier =
        jdbc.query(
            "SELECT operation, request_hash, resource_id FROM idempotency_key"
                + " WHERE principal = ? AND key = ?",
            (row, n) -> new String[] {row.getString(1), row.getString(2), row.getString(3)},
            principal,
            key);
    String[] first = earlier.getFirst();
    if (!first[0].equals(operation) || !first[1].equals(requestHash)) {
      throw new IdempotencyKeyReusedException(key);
    }
    return Optional.of(first[2]);
  }

  /**
   * Points a key this call reserved at the resource the call ended up with, when that is not the
   * one it reserved the key for (a request that was handed an existing desktop).
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void settle(String principal, String key, String resourceId) {
    jdbc.update(
        "UPDATE idempotency_key SET resource_id = ? WHERE principal = ? AND key = ?",
        resourceId,
        principal,
        key);
  }
}
