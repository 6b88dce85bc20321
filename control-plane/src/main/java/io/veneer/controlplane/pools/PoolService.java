package io.veneer.controlplane.pools;

import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.idempotency.IdempotencyKeys;
import io.veneer.controlplane.security.Caller;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Pool operations shared by the APIs: admins manage pools, users see the ones they may use. */
@Service
public class PoolService {

  private static final Logger log = LoggerFactory.getLogger(PoolService.class);

  private final PoolRepository pools;
  private final IdempotencyKeys idempotencyKeys;

  PoolService(PoolRepository pools, IdempotencyKeys idempotencyKeys) {
    this.pools = pools;
    this.idempotencyKeys = idempotencyKeys;
  }

  @Transactional
  public PoolView create(Caller caller, PoolSpec spec, String idempotencyKey) {
    caller.requireAdmin("Creating a pool");
    UUID id = UUID.randomUUID();
    if (idempotencyKey != null) {
      Optional<String> earlier =
          idempotencyKeys.reserve(
              caller.subject(),
              idempotencyKey,
              "create-pool",
              Integer.toHexString(spec.hashCode()),
              id.toString());
      if (earlier.isPresent()) {
        return PoolView.of(pools.findById(UUID.fromString(earlier.get())).orElseThrow());
      }
    }
    Pool pool = pools.saveAndFlush(new Pool(id, spec));
    log.info("event=pool.created pool={} name={} kind={}", id, spec.name(), spec.kind());
    return PoolView.of(pool);
  }

  @Transactional(readOnly = true)
  public PoolView get(Caller caller, UUID id) {
    return pools
        .findById(id)
        .filter(p -> caller.admin() || p.entitles(caller.subject(), caller.groups()))
        .map(PoolView::of)
        .orElseThrow(() -> new NotFoundException("Pool", id));
  }

  /** Pools the caller may see, by id, after {@code cursor}. */
  @Transactional(readOnly = true)
  public Page<PoolView> list(Caller caller, String cursor, int limit) {
    UUID after = cursor == null || cursor.isBlank() ? new UUID(0, 0) : UUID.fromString(cursor);
    int size = Math.clamp(limit, 1, 500);
    // Pools are few (tens); entitlement is filtered here rather than in SQL.
    List<PoolView> visible =
        pools.findAll().stream()
            .filter(p -> caller.admin() || p.entitles(caller.subject(), caller.groups()))
            .sorted(java.util.Comparator.comparing(p -> p.id().toString()))
            .filter(p -> p.id().toString().compareTo(after.toString()) > 0)
            .map(PoolView::of)
            .toList();
    List<PoolView> items = visible.stream().limit(size).toList();
    return new Page<>(items, visible.size() > size ? items.getLast().id().toString() : null);
  }
}
