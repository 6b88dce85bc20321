package io.veneer.controlplane.identity;

import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * Which pools a caller may use: admins all; a user those that name them, or one of their groups as
 * the {@link GroupDirectory} knows them now. The directory is asked only when a pool's groups
 * matter, and at most once per check.
 */
@Component
public class Entitlements {

  private final GroupDirectory directory;

  Entitlements(GroupDirectory directory) {
    this.directory = directory;
  }

  /**
   * @throws DirectoryUnavailableException (from the returned predicate) when the caller's groups
   *     are needed and cannot be known
   */
  public Predicate<Pool> of(Caller caller) {
    if (caller.admin()) {
      return pool -> true;
    }
    return new Predicate<>() {
      private Set<String> groups;

      @Override
      public boolean test(Pool pool) {
        PoolSpec spec = pool.spec();
        if (spec.entitledUsers().contains(caller.subject())) {
          return true;
        }
        if (spec.entitledGroups().isEmpty()) {
          return false;
        }
        if (groups == null) {
          groups = directory.groupsOf(caller);
        }
        return spec.entitledGroups().stream().anyMatch(groups::contains);
      }
    };
  }
}
