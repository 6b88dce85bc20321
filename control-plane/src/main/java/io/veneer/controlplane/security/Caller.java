package io.veneer.controlplane.security;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: a user acts only on their own desktops and entitled pools; an admin on all.
 *
 * @param subject the token's {@code sub}
 * @param groups the user's groups, for pool entitlements
 */
public record Caller(String subject, boolean admin, Set<String> groups) {

  public Caller {
    Objects.requireNonNull(subject, "subject");
    groups = groups == null ? Set.of() : Set.copyOf(groups);
  }

  public static Caller user(String subject, String... groups) {
    return new Caller(subject, false, Set.of(groups));
  }

  public static Caller admin(String subject) {
    return new Caller(subject, true, Set.of());
  }

  /** May this caller see and act on something owned by {@code owner}? */
  public boolean mayActOnBehalfOf(String owner) {
    return admin || subject.equals(owner);
  }

  /**
   * @throws ForbiddenException unless an admin
   */
  public void requireAdmin(String action) {
    if (!admin) {
      throw new ForbiddenException(action + " needs the admin role");
    }
  }
}
