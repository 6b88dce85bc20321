package io.veneer.controlplane.identity;

import io.veneer.controlplane.security.Caller;
import java.util.List;
import java.util.Set;

/**
 * Who belongs to which group, for pool entitlements, and what an admin may entitle. Either the
 * caller's token ({@link TokenGroups}: no lookups, but a removal from a group only counts once the
 * user's token expires) or the identity provider itself ({@link KeycloakGroups}: a removal counts
 * within the membership cache time).
 */
public interface GroupDirectory {

  /**
   * The caller's groups now.
   *
   * @throws DirectoryUnavailableException when they cannot be known: entitlement checks fail closed
   */
  Set<String> groupsOf(Caller caller);

  /** Every group a pool can be entitled to. */
  List<String> groups();

  /** Users whose name, e-mail or full name contains {@code search}, at most {@code max}. */
  List<DirectoryUser> users(String search, int max);
}
