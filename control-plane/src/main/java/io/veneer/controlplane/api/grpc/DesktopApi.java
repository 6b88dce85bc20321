package io.veneer.controlplane.api.grpc;

import static io.veneer.controlplane.api.grpc.CallContext.caller;
import static io.veneer.controlplane.api.grpc.Replies.reply;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.veneer.api.v1.Desktop;
import io.veneer.api.v1.DesktopActionRequest;
import io.veneer.api.v1.DesktopChange;
import io.veneer.api.v1.DesktopServiceGrpc;
import io.veneer.api.v1.GetDesktopRequest;
import io.veneer.api.v1.ListDesktopsRequest;
import io.veneer.api.v1.ListDesktopsResponse;
import io.veneer.api.v1.WatchDesktopsRequest;
import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.desktops.GoldenUpdates;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.security.Caller;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code veneer.api.v1.DesktopService} over {@link DesktopService}, which decides who may see and
 * do what: the same rules as REST {@code /api/v1/desktops} (others' desktops are NOT_FOUND).
 */
@Component
class DesktopApi extends DesktopServiceGrpc.DesktopServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(DesktopApi.class);

  private final DesktopService desktops;
  private final GoldenUpdates updates;
  private final PoolService pools;
  private final DesktopChangeFeed feed;

  DesktopApi(
      DesktopService desktops, GoldenUpdates updates, PoolService pools, DesktopChangeFeed feed) {
    this.desktops = desktops;
    this.updates = updates;
    this.pools = pools;
    this.feed = feed;
  }

  @Override
  public void getDesktop(GetDesktopRequest request, StreamObserver<Desktop> out) {
    reply(out, DesktopMessages.desktop(desktops.get(caller(), id(request.getId()))));
  }

  @Override
  public void listDesktops(ListDesktopsRequest request, StreamObserver<ListDesktopsResponse> out) {
    PageQuery query = PageQuery.ofUuids(request.getPage());
    UUID pool = RequestFields.optionalUuid("pool_id", request.getPoolId());
    Page<DesktopView> page =
        pool == null
            ? desktops.list(caller(), query.cursor(), query.size())
            : ofPool(caller(), pool, query);
    reply(
        out,
        ListDesktopsResponse.newBuilder()
            .addAllDesktops(page.items().stream().map(DesktopMessages::desktop).toList())
            .setPage(CommonMessages.page(page.nextCursor()))
            .build());
  }

  /**
   * A page of one pool's desktops. The service lists by caller only, so this walks its pages and
   * keeps the pool's; the cursor stays the last id looked at, as the service's is.
   */
  private Page<DesktopView> ofPool(Caller caller, UUID pool, PageQuery query) {
    List<DesktopView> found = new ArrayList<>();
    String cursor = query.cursor();
    do {
      Page<DesktopView> scanned = desktops.list(caller, cursor, PageQuery.MAX_SIZE);
      for (DesktopView desktop : scanned.items()) {
        if (!pool.equals(desktop.poolId())) {
          continue;
        }
        if (found.size() == query.size()) {
          return new Page<>(found, found.getLast().id().toString());
        }
        found.add(desktop);
      }
      cursor = scanned.nextCursor();
    } while (cursor != null);
    return new Page<>(found, null);
  }

  @Override
  public void startDesktop(DesktopActionRequest request, StreamObserver<Desktop> out) {
    reply(out, DesktopMessages.desktop(desktops.start(caller(), id(request.getId()))));
  }

  @Override
  public void stopDesktop(DesktopActionRequest request, StreamObserver<Desktop> out) {
    reply(out, DesktopMessages.desktop(desktops.stop(caller(), id(request.getId()))));
  }

  @Override
  public void restartDesktop(DesktopActionRequest request, StreamObserver<Desktop> out) {
    reply(out, DesktopMessages.desktop(desktops.restart(caller(), id(request.getId()))));
  }

  /** The contract's refresh is the user's logoff: a pooled desktop's overlay is recreated. */
  @Override
  public void refreshDesktop(DesktopActionRequest request, StreamObserver<Desktop> out) {
    reply(out, DesktopMessages.desktop(desktops.logoff(caller(), id(request.getId()))));
  }

  @Override
  public void updateDesktopGolden(DesktopActionRequest request, StreamObserver<Desktop> out) {
    reply(out, DesktopMessages.desktop(updates.apply(caller(), id(request.getId()))));
  }

  @Override
  public void deleteDesktop(DesktopActionRequest request, StreamObserver<Desktop> out) {
    reply(out, DesktopMessages.desktop(desktops.delete(caller(), id(request.getId()))));
  }

  @Override
  public void watchDesktops(WatchDesktopsRequest request, StreamObserver<DesktopChange> out) {
    Caller caller = caller();
    UUID pool = RequestFields.optionalUuid("pool_id", request.getPoolId());
    if (pool != null) {
      pools.get(caller, pool); // NOT_FOUND unless the caller is entitled to it
    }
    DesktopWatcher watcher =
        feed.watch(
            caller,
            CallContext.TOKEN_EXPIRES_AT.get(),
            pool,
            access(caller, pool),
            (ServerCallStreamObserver<DesktopChange>) out);
    watcher.start(() -> new VisibleDesktops(caller));
  }

  /**
   * What keeps the caller's watch open: the entitlement to its pool or, watching all their
   * desktops, to any pool (a user no pool is given to any more has lost access to Veneer); an admin
   * watching all has access while their token lasts.
   */
  private BooleanSupplier access(Caller caller, UUID pool) {
    if (pool != null) {
      return () -> entitled(caller, pool);
    }
    return caller.admin() ? null : () -> entitled(caller, null);
  }

  /**
   * Whether the caller may still see {@code pool} (null: any pool); an unreachable directory does
   * not say no.
   */
  private boolean entitled(Caller caller, UUID pool) {
    try {
      if (pool == null) {
        return !pools.list(caller, null, 1).items().isEmpty();
      }
      pools.get(caller, pool);
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (RuntimeException e) {
      log.warn(
          "event=watch.access-unknown subject={} pool={} error=\"{}\"",
          caller.subject(),
          pool,
          e.getMessage());
      return true;
    }
  }

  private static UUID id(String value) {
    return RequestFields.uuid("id", value);
  }

  /** Every desktop the caller may see, read a page at a time as the watch sends them. */
  private final class VisibleDesktops implements Iterator<DesktopView> {

    private final Caller caller;
    private Iterator<DesktopView> page = List.<DesktopView>of().iterator();
    private String cursor;
    private boolean last;

    VisibleDesktops(Caller caller) {
      this.caller = caller;
    }

    @Override
    public boolean hasNext() {
      while (!page.hasNext() && !last) {
        Page<DesktopView> next = desktops.list(caller, cursor, PageQuery.MAX_SIZE);
        page = next.items().iterator();
        cursor = next.nextCursor();
        last = cursor == null;
      }
      return page.hasNext();
    }

    @Override
    public DesktopView next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return page.next();
    }
  }
}
