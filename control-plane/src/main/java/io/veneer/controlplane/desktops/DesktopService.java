package io.veneer.controlplane.desktops;

import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.idempotency.IdempotencyKeys;
import io.veneer.controlplane.placement.PlacementService;
import io.veneer.controlplane.placement.ResourceClaims;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.security.Caller;
import io.veneer.controlplane.security.ForbiddenException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The desktop operations every API shares. Authorisation is decided here, once: a user sees and
 * acts only on their own desktops (others' look like they do not exist), an admin on all.
 */
@Service
public class DesktopService {

  private static final Logger log = LoggerFactory.getLogger(DesktopService.class);
  private static final UUID FIRST = new UUID(0, 0);

  private final DesktopRepository desktops;
  private final PoolRepository pools;
  private final IdempotencyKeys idempotencyKeys;
  private final PlacementService placement;
  private final ResourceClaims claims;
  private final TransactionTemplate transactions;
  private final DesktopEvents events;

  DesktopService(
      DesktopRepository desktops,
      PoolRepository pools,
      IdempotencyKeys idempotencyKeys,
      PlacementService placement,
      ResourceClaims claims,
      PlatformTransactionManager transactionManager,
      DesktopEvents events) {
    this.events = events;
    this.desktops = desktops;
    this.pools = pools;
    this.idempotencyKeys = idempotencyKeys;
    this.placement = placement;
    this.claims = claims;
    this.transactions = new TransactionTemplate(transactionManager);
  }

  /** What a create asks for; {@code owner} defaults to the caller (only admins name another). */
  public record CreateDesktop(UUID poolId, String owner) {}

  /**
   * Creates a desktop in an entitled pool and places it. The same {@code idempotencyKey} (if any)
   * from the same caller returns the first call's desktop.
   */
  public DesktopView create(Caller caller, CreateDesktop request, String idempotencyKey) {
    String owner = request.owner() == null ? caller.subject() : request.owner();
    if (!caller.mayActOnBehalfOf(owner)) {
      throw new ForbiddenException("Only an admin can create a desktop for another user");
    }
    UUID id = UUID.randomUUID();
    Desktop created =
        transactions.execute(
            tx -> {
              Pool pool =
                  pools
                      .findById(request.poolId())
                      .filter(p -> caller.admin() || p.entitles(caller.subject(), caller.groups()))
                      .orElseThrow(() -> new NotFoundException("Pool", request.poolId()));
              if (idempotencyKey != null) {
                Optional<String> earlier =
                    idempotencyKeys.reserve(
                        caller.subject(),
                        idempotencyKey,
                        "create-desktop",
                        pool.id() + "/" + owner,
                        id.toString());
                if (earlier.isPresent()) {
                  return desktops.findById(UUID.fromString(earlier.get())).orElseThrow();
                }
              }
              Desktop fresh =
                  new Desktop(id, pool.id(), owner, pool.spec().goldenVersion(), PowerState.ON);
              Desktop desktop = desktops.save(fresh);
              // The transitions live on the instance that made them, whatever save returns.
              events.publishTransitions(fresh, caller.subject());
              log.info("event=desktop.requested desktop={} pool={} owner={}", id, pool.id(), owner);
              return desktop;
            });
    if (created.id().equals(id)) {
      placement.place(id);
    }
    return get(caller, created.id());
  }

  public DesktopView get(Caller caller, UUID id) {
    return transactions.execute(tx -> DesktopView.of(visible(caller, id)));
  }

  /** Desktops the caller may see, by id, after {@code cursor}. */
  public Page<DesktopView> list(Caller caller, String cursor, int limit) {
    UUID after = cursor == null || cursor.isBlank() ? FIRST : UUID.fromString(cursor);
    int size = Math.clamp(limit, 1, 500);
    List<Desktop> page =
        caller.admin()
            ? desktops.findByIdGreaterThanOrderByIdAsc(after, Limit.of(size + 1))
            : desktops.findByOwnerAndIdGreaterThanOrderByIdAsc(
                caller.subject(), after, Limit.of(size + 1));
    List<DesktopView> items = page.stream().limit(size).map(DesktopView::of).toList();
    String next = page.size() > size ? items.getLast().id().toString() : null;
    return new Page<>(items, next);
  }

  /** Powers the desktop on; a no-op if it is already on its way. */
  public DesktopView start(Caller caller, UUID id) {
    return change(
        caller,
        id,
        desktop -> {
          desktop.desirePower(PowerState.ON);
          switch (desktop.state()) {
            case STARTING, RUNNING, REQUESTED, SCHEDULED, PROVISIONING -> {}
            default -> desktop.moveTo(DesktopState.STARTING);
          }
        });
  }

  /** Powers the desktop off; a no-op if it is already off or on its way. */
  public DesktopView stop(Caller caller, UUID id) {
    return change(
        caller,
        id,
        desktop -> {
          desktop.desirePower(PowerState.OFF);
          switch (desktop.state()) {
            case STOPPING, STOPPED, REQUESTED, SCHEDULED, PROVISIONING -> {}
            default -> desktop.moveTo(DesktopState.STOPPING);
          }
        });
  }

  /** Deletes the desktop: its agent removes it; one that never reached a host goes at once. */
  public DesktopView delete(Caller caller, UUID id) {
    return change(
        caller,
        id,
        desktop -> {
          if (desktop.state() == DesktopState.DELETING || desktop.state() == DesktopState.DELETED) {
            return;
          }
          desktop.moveTo(DesktopState.DELETING);
          if (desktop.hostId().isEmpty()) {
            desktop.moveTo(DesktopState.DELETED);
            claims.release(desktop.id());
          }
        });
  }

  private DesktopView change(Caller caller, UUID id, java.util.function.Consumer<Desktop> action) {
    return transactions.execute(
        tx -> {
          Desktop desktop = visible(caller, id);
          DesktopState before = desktop.state();
          action.accept(desktop);
          events.publishTransitions(desktop, caller.subject());
          desktops.flush();
          log.info(
              "event=desktop.changed desktop={} from={} to={} by={}",
              id,
              before,
              desktop.state(),
              caller.subject());
          return DesktopView.of(desktop);
        });
  }

  private Desktop visible(Caller caller, UUID id) {
    return desktops
        .findById(id)
        .filter(d -> caller.mayActOnBehalfOf(d.owner().orElse(null)))
        .orElseThrow(() -> new NotFoundException("Desktop", id));
  }
}
