package io.veneer.testsupport.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** Creates uniquely named databases through an administrative connection. */
final class Databases {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private Databases() {}

  static String uniqueName(String hint) {
    String cleaned = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    if (cleaned.length() > 40) {
      cleaned = cleaned.substring(cleaned.length() - 40);
    }
    return "t" + SEQUENCE.incrementAndGet() + "_" + cleaned;
  }

  static void create(Connection admin, String name) {
    try (admin;
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create test database " + name, e);
    }
  }
}
