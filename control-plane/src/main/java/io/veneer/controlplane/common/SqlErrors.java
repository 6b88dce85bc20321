package io.veneer.controlplane.common;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** What PostgreSQL said, found under the exceptions JDBC, Hibernate and Spring wrap it in. */
public final class SqlErrors {

  private SqlErrors() {}

  /** Whether PostgreSQL answered with {@code sqlState} (for example one a trigger raised). */
  public static boolean hasState(Throwable error, String sqlState) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sqlState.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** Whether PostgreSQL refused the statement because of the named constraint or unique index. */
  public static boolean violates(Throwable error, String constraint) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof PSQLException sql) {
        ServerErrorMessage message = sql.getServerErrorMessage();
        if (message != null && constraint.equals(message.getConstraint())) {
          return true;
        }
      }
    }
    return false;
  }
}
