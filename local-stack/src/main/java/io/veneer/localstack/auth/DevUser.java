package io.veneer.localstack.auth;

import java.util.List;

/**
 * A person of LOCAL DEVELOPMENT MODE: the fixed admin and two users. The identity issue replaces
 * them with Keycloak.
 *
 * @param name the token's subject
 * @param roles the token's {@code roles} claim, which the control plane maps to its roles
 */
public record DevUser(String name, List<String> roles) {

  public static final DevUser ADMIN = new DevUser("admin", List.of("admin"));
  public static final DevUser ALICE = new DevUser("alice", List.of("user"));
  public static final DevUser BOB = new DevUser("bob", List.of("user"));

  public static final List<DevUser> ALL = List.of(ADMIN, ALICE, BOB);

  public DevUser {
    roles = List.copyOf(roles);
  }
}
