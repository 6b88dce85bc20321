package io.veneer.localstack.auth;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A person of the local stack's {@code veneer} realm. LOCAL DEMO ACCOUNTS: their passwords are
 * generated once per state directory and printed by {@code up}. Their Keycloak ids are fixed (see
 * {@link #id()}), because the control plane knows people by the {@code sub} of their tokens
 * (desktop owners, pools' entitled users) and Keycloak's realm is created again at every start.
 *
 * @param name the username ({@code preferred_username} in tokens)
 * @param roles realm roles
 * @param groups group memberships
 */
public record DemoUser(String name, Set<String> roles, Set<String> groups) {

  public static final DemoUser ADMIN = new DemoUser("admin", Set.of("admin"), Set.of());
  public static final DemoUser ALICE = new DemoUser("alice", Set.of("user"), Set.of("engineering"));
  public static final DemoUser BOB = new DemoUser("bob", Set.of("user"), Set.of("finance"));

  public static final List<DemoUser> ALL = List.of(ADMIN, ALICE, BOB);

  /** The user's id in Keycloak, and so the {@code sub} of their tokens: the same on every run. */
  public String id() {
    return UUID.nameUUIDFromBytes(
            ("veneer-local-stack-demo-user:" + name).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  public DemoUser {
    roles = Set.copyOf(roles);
    groups = Set.copyOf(groups);
  }
}
