package io.veneer.portal.backend;

import io.veneer.portal.backend.ControlPlaneViews.ConsoleAccess;
import io.veneer.portal.backend.ControlPlaneViews.ConsoleTicket;
import io.veneer.portal.backend.ControlPlaneViews.CreateDesktop;
import io.veneer.portal.backend.ControlPlaneViews.Desktop;
import io.veneer.portal.backend.ControlPlaneViews.DirectoryUser;
import io.veneer.portal.backend.ControlPlaneViews.Host;
import io.veneer.portal.backend.ControlPlaneViews.Page;
import io.veneer.portal.backend.ControlPlaneViews.Pool;
import io.veneer.portal.backend.ControlPlaneViews.PoolSpec;
import io.veneer.portal.backend.ControlPlaneViews.Quota;
import io.veneer.portal.backend.ControlPlaneViews.QuotaLimits;
import io.veneer.portal.backend.ControlPlaneViews.Redemption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

/**
 * The control plane's REST API ({@code /api/v1}), called as the logged-in person; console tickets
 * are redeemed as the portal itself.
 */
public final class ControlPlane {

  /** Pages followed for one list: 20 x 200 items is more than the portal shows on one page. */
  private static final int MAX_PAGES = 20;

  private static final int PAGE_SIZE = 200;

  private final RestClient rest;
  private final RestClient asThePortal;

  ControlPlane(RestClient rest, RestClient asThePortal) {
    this.rest = rest;
    this.asThePortal = asThePortal;
  }

  /**
   * The people an admin can entitle to pools, as the control plane reads them from Keycloak: at
   * most {@code max}, those whose user name, name or email contains {@code search} (all when it is
   * blank).
   */
  public List<DirectoryUser> directoryUsers(String search, int max) {
    return rest.get()
        .uri("directory/users?search={search}&max={max}", search, max)
        .retrieve()
        .body(new ParameterizedTypeReference<List<DirectoryUser>>() {});
  }

  /** The groups an admin can entitle to pools. */
  public List<String> directoryGroups() {
    return rest.get()
        .uri("directory/groups")
        .retrieve()
        .body(new ParameterizedTypeReference<List<String>>() {});
  }

  /** The person's own desktops (every desktop for an admin). */
  public List<Desktop> desktops() {
    return all(cursor -> page("desktops", cursor, new ParameterizedTypeReference<>() {}));
  }

  public Desktop desktop(UUID id) {
    return rest.get().uri("desktops/{id}", id).retrieve().body(Desktop.class);
  }

  /** A desktop of the pool for the person: theirs already, a free one, or a new one. */
  public Desktop requestDesktop(UUID poolId, String idempotencyKey) {
    return rest.post()
        .uri("desktops")
        .header("Idempotency-Key", idempotencyKey)
        .body(new CreateDesktop(poolId))
        .retrieve()
        .body(Desktop.class);
  }

  public Desktop act(UUID desktopId, String action) {
    return rest.post()
        .uri("desktops/{id}/{action}", desktopId, action)
        .retrieve()
        .body(Desktop.class);
  }

  /**
   * A single-use ticket to the desktop's console for the person (409 when it is not running or has
   * no display, 404 when it is not theirs).
   */
  public ConsoleTicket consoleTicket(UUID desktopId) {
    return rest.post()
        .uri("desktops/{id}/console-tickets", desktopId)
        .retrieve()
        .body(ConsoleTicket.class);
  }

  /**
   * Uses up a console ticket that the person with {@code subject} presented, for its desktop's
   * display endpoint, with the portal's own service credential (the only one the control plane lets
   * redeem); 403 for an unknown, expired, used or someone else's ticket.
   */
  public ConsoleAccess redeemConsoleTicket(String ticket, String subject) {
    return asThePortal
        .post()
        .uri("console-tickets/redeem")
        .body(new Redemption(ticket, subject))
        .retrieve()
        .body(ConsoleAccess.class);
  }

  /**
   * Tells the control plane the desktop's console got keyboard or pointer input just now, with the
   * portal's own service credential (the console proxy's, the only one it takes).
   */
  public void reportConsoleInput(UUID desktopId) {
    asThePortal.post().uri("desktops/{id}/console-input", desktopId).retrieve().toBodilessEntity();
  }

  /** Pools the person is entitled to (every pool for an admin). */
  public List<Pool> pools() {
    return all(cursor -> page("pools", cursor, new ParameterizedTypeReference<>() {}));
  }

  public Pool pool(UUID id) {
    return rest.get().uri("pools/{id}", id).retrieve().body(Pool.class);
  }

  public Pool createPool(PoolSpec spec, String idempotencyKey) {
    return rest.post()
        .uri("pools")
        .header("Idempotency-Key", idempotencyKey)
        .body(spec)
        .retrieve()
        .body(Pool.class);
  }

  public Pool updatePool(UUID id, PoolSpec spec) {
    return rest.put().uri("pools/{id}", id).body(spec).retrieve().body(Pool.class);
  }

  /** Every quota with its usage (admins). */
  public List<Quota> quotas() {
    return rest.get().uri("quotas").retrieve().body(new ParameterizedTypeReference<>() {});
  }

  /** Sets the quota of a {@code user} or {@code group}. */
  public Quota setQuota(String kind, String name, QuotaLimits limits) {
    return rest.put()
        .uri("quotas/{kind}/{name}", kind, name)
        .body(limits)
        .retrieve()
        .body(Quota.class);
  }

  public void deleteQuota(String kind, String name) {
    rest.delete().uri("quotas/{kind}/{name}", kind, name).retrieve().toBodilessEntity();
  }

  public List<Host> hosts() {
    return rest.get().uri("hosts").retrieve().body(new ParameterizedTypeReference<>() {});
  }

  /** {@code maintenance}, {@code drain} or {@code resume}. */
  public Host orderHost(String hostId, String order) {
    return rest.post().uri("hosts/{id}/{order}", hostId, order).retrieve().body(Host.class);
  }

  private <T> Page<T> page(String path, String cursor, ParameterizedTypeReference<Page<T>> type) {
    return rest.get()
        .uri(
            builder -> {
              builder.path(path).queryParam("limit", PAGE_SIZE);
              if (cursor != null) {
                builder.queryParam("cursor", cursor);
              }
              return builder.build();
            })
        .retrieve()
        .body(type);
  }

  private static <T> List<T> all(Function<String, Page<T>> pages) {
    List<T> items = new ArrayList<>();
    String cursor = null;
    for (int i = 0; i < MAX_PAGES; i++) {
      Page<T> page = pages.apply(cursor);
      items.addAll(page.items());
      cursor = page.nextCursor();
      if (cursor == null || cursor.isEmpty()) {
        break;
      }
    }
    return items;
  }
}
