package io.veneer.scheduler;

import io.veneer.scheduler.filter.CapabilityFilter;
import io.veneer.scheduler.filter.Filter;
import io.veneer.scheduler.filter.HostStateFilter;
import io.veneer.scheduler.filter.LabelFilter;
import io.veneer.scheduler.filter.ResourceFitFilter;
import io.veneer.scheduler.filter.ZoneFilter;
import io.veneer.scheduler.score.AntiAffinityScorer;
import io.veneer.scheduler.score.BalanceScorer;
import io.veneer.scheduler.score.ImageLocalityScorer;
import io.veneer.scheduler.score.PackingScorer;
import io.veneer.scheduler.score.Scorer;
import io.veneer.scheduler.score.UserDataLocalityScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * The filters and scorers a scheduler runs, in order. Adding a plugin is adding it here (or to a
 * copy with {@link #withFilter}/{@link #withScorer}) and giving scorers a weight in the policy; the
 * engine never changes.
 */
public record Plugins(List<Filter> filters, List<Scorer> scorers) {

  public Plugins {
    filters = List.copyOf(filters);
    scorers = List.copyOf(scorers);
  }

  /**
   * Cheap, static questions first (state, zone, labels, capabilities) so that most hosts a request
   * cannot use are turned away before the resource arithmetic.
   */
  public static Plugins standard(PlacementPolicy policy) {
    return new Plugins(
        List.of(
            new HostStateFilter(),
            new ZoneFilter(),
            new LabelFilter(),
            new CapabilityFilter(),
            new ResourceFitFilter()),
        List.of(
            new PackingScorer(policy.strategy()),
            new ImageLocalityScorer(),
            new UserDataLocalityScorer(),
            new AntiAffinityScorer(),
            new BalanceScorer()));
  }

  public Plugins withFilter(Filter filter) {
    List<Filter> more = new ArrayList<>(filters);
    more.add(filter);
    return new Plugins(more, scorers);
  }

  public Plugins withScorer(Scorer scorer) {
    List<Scorer> more = new ArrayList<>(scorers);
    more.add(scorer);
    return new Plugins(filters, more);
  }
}
