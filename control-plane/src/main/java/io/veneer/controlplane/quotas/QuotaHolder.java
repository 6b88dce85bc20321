package io.veneer.controlplane.quotas;

import java.util.Locale;

/** Who a quota is for: one user, or all the members of one group together. */
public record QuotaHolder(Kind kind, String name) {

  public enum Kind {
    USER,
    GROUP;

    /** As it is written in paths and in the database: {@code user}, {@code group}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind of(String key) {
      return switch (key) {
        case "user" -> USER;
        case "group" -> GROUP;
        default ->
            throw new IllegalArgumentException(
                "A quota is for a 'user' or a 'group', not '" + key + "'");
      };
    }
  }

  public QuotaHolder {
    if (kind == null || name == null || name.isBlank()) {
      throw new IllegalArgumentException("A quota names the user or group it is for");
    }
  }

  @Override
  public String toString() {
    return kind.key() + " " + name;
  }
}
