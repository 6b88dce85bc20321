package io.veneer.controlplane.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.controlplane.ControlPlaneSpringTest;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Idempotency keys are remembered for a day (by default), and are short printable strings. */
class IdempotencyKeysTest extends ControlPlaneSpringTest {

  @Autowired IdempotencyKeys keys;
  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate transactions;

  private final String principal = "idem-" + UUID.randomUUID();

  @Test
  void aKeyIsRememberedWithinItsTimeAndTakenOverAfter() {
    assertThat(reserve("key-1", "hash-a", "first")).isEmpty();
    assertThat(reserve("key-1", "hash-a", "second")).contains("first");

    jdbc.update(
        "UPDATE idempotency_key SET created_at = now() - interval '25 hours' WHERE principal = ?",
        principal);

    assertThat(reserve("key-1", "hash-b", "third")).as("expired: a new request").isEmpty();
    assertThat(reserve("key-1", "hash-b", "fourth")).contains("third");
  }

  @Test
  void housekeepingDeletesTheRowsOfExpiredKeysOnItsOwnTimer() throws InterruptedException {
    IdempotencyHousekeeping housekeeping =
        new IdempotencyHousekeeping(
            jdbc, new IdempotencyProperties(Duration.ofSeconds(1), Duration.ofMillis(200)));
    assertThat(reserve("key-gc", "hash", "resource")).isEmpty();
    assertThat(rowsOfThisPrincipal()).isEqualTo(1);

    housekeeping.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (rowsOfThisPrincipal() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    } finally {
      housekeeping.stop();
    }

    assertThat(rowsOfThisPrincipal()).as("the expired key's row").isZero();
  }

  private int rowsOfThisPrincipal() {
    return jdbc.queryForObject(
        "SELECT count(*) FROM idempotency_key WHERE principal = ?", Integer.class, principal);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "with space", "tab\there", "ünïcode"})
  void refusesKeysThatAreNotPrintableAscii(String key) {
    assertThatThrownBy(() -> reserve(key, "hash", "resource"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Idempotency-Key must be 1-255 printable ASCII characters");
  }

  @Test
  void refusesKeysLongerThan255Characters() {
    assertThat(reserve("k".repeat(255), "hash", "resource")).isEmpty();
    assertThatThrownBy(() -> reserve("k".repeat(256), "hash", "resource"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Optional<String> reserve(String key, String hash, String resource) {
    Supplier<Optional<String>> call =
        () -> keys.reserve(principal, key, "create-desktop", hash, resource);
    return transactions.execute(status -> call.get());
  }
}
