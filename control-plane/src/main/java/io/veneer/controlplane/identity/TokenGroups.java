package io.veneer.controlplane.identity;

import io.veneer.controlplane.security.Caller;
import java.util.List;
import java.util.Set;

/** Groups as the caller's token states them; there is no directory to list. */
final class TokenGroups implements GroupDirectory {

  @Override
  public Set<String> groupsOf(Caller caller) {
    return caller.groups();
  }

  @Override
  public List<String> groups() {
    throw unavailable();
  }

  @Override
  public List<DirectoryUser> users(String search, int max) {
    throw unavailable();
  }

  private static DirectoryUnavailableException unavailable() {
    return new DirectoryUnavailableException(
        "This control plane has no identity provider to list (set veneer.identity.keycloak.url);"
            + " entitle users by their subject and groups by name");
  }
}
