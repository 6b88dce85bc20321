package io.veneer.controlplane.common;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * PostgreSQL out of reach (down, restarting, no connection to be had in time), as opposed to a
 * refusal of the statement: the same request may well succeed later, so the APIs answer "try again
 * later" (REST 503 with {@code Retry-After}, gRPC UNAVAILABLE) rather than an internal error.
 */
public final class DatabaseOutage {

  /**
   * How long a caller is asked to wait: about what a restarting PostgreSQL takes to accept again.
   */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  public static final String DETAIL =
      "The database is out of reach; send the request again in a few seconds (with the same"
          + " Idempotency-Key, if it created something)";

  /**
   * PostgreSQL going away: an administrator's shutdown, a crash, a server still starting or
   * stopping. Class 08 (connection exceptions) is matched as a class.
   */
  private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");

  /**
   * What HikariCP's stand-in for a connection it evicted as broken throws, with no SQL state: a
   * rollback on a connection PostgreSQL dropped fails with it, and the failure the rollback hid
   * (57P01, say) is lost.
   */
  private static final String HIKARI_EVICTED = "Connection is closed";

  private DatabaseOutage() {}

  /** Whether {@code failure}, or anything it wraps, says the database could not be reached. */
  public static boolean causedBy(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof CannotCreateTransactionException
          || cause instanceof DataAccessResourceFailureException
          || cause instanceof SQLTransientConnectionException
          || cause instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || SERVER_GOING_AWAY.contains(state)) {
          return true;
        }
      }
      if (cause instanceof SQLException sql && HIKARI_EVICTED.equals(sql.getMessage())) {
        return true;
      }
    }
    return false;
  }
}
