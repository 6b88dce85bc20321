package io.veneer.loadtests.stack;

import io.veneer.testsupport.keycloak.VeneerRealm;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * An admin's Keycloak access token (password grant), fetched again once a minute: Keycloak's tokens
 * live five minutes by default and a storm may run longer.
 */
public final class AdminToken implements Supplier<String> {

  private static final Duration REFRESH = Duration.ofMinutes(1);

  private final VeneerRealm realm;
  private final String username;
  private final String password = UUID.randomUUID().toString();
  private String token;
  private long fetchedAt;

  public AdminToken(VeneerRealm realm, String username) {
    this.realm = realm;
    this.username = username;
    realm.createUser(username, password, Set.of("admin"), Set.of());
  }

  @Override
  public synchronized String get() {
    if (token == null || System.nanoTime() - fetchedAt > REFRESH.toNanos()) {
      token = realm.passwordToken(username, password);
      fetchedAt = System.nanoTime();
    }
    return token;
  }
}
