package io.veneer.controlplane.api.grpc;

import static io.veneer.controlplane.api.grpc.CallContext.caller;
import static io.veneer.controlplane.api.grpc.Replies.reply;

import io.grpc.stub.StreamObserver;
import io.veneer.api.v1.CreatePoolRequest;
import io.veneer.api.v1.Desktop;
import io.veneer.api.v1.GetPoolRequest;
import io.veneer.api.v1.ListPoolsRequest;
import io.veneer.api.v1.ListPoolsResponse;
import io.veneer.api.v1.Pool;
import io.veneer.api.v1.PoolServiceGrpc;
import io.veneer.api.v1.RequestDesktopRequest;
import io.veneer.api.v1.RollPoolRequest;
import io.veneer.api.v1.UpdatePoolRequest;
import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.pools.PoolView;
import io.veneer.controlplane.security.Caller;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * {@code veneer.api.v1.PoolService} over {@link PoolService} and {@link DesktopService}: admins
 * manage pools, users see the pools they are entitled to and request desktops from them, as in REST
 * {@code /api/v1/pools} and {@code POST /api/v1/desktops}.
 */
@Component
class PoolApi extends PoolServiceGrpc.PoolServiceImplBase {

  private final PoolService pools;
  private final DesktopService desktops;

  PoolApi(PoolService pools, DesktopService desktops) {
    this.pools = pools;
    this.desktops = desktops;
  }

  @Override
  public void createPool(CreatePoolRequest request, StreamObserver<Pool> out) {
    Caller caller = caller();
    // Before the request is read, so that users learn nothing from validation messages.
    caller.requireAdmin("Creating a pool");
    String key = CallContext.idempotencyKey(request.getIdempotencyKey());
    PoolView pool = pools.create(caller, PoolMessages.spec(request.getPool()), key);
    reply(out, PoolMessages.pool(pool));
  }

  @Override
  public void getPool(GetPoolRequest request, StreamObserver<Pool> out) {
    reply(out, PoolMessages.pool(pools.get(caller(), RequestFields.uuid("id", request.getId()))));
  }

  @Override
  public void listPools(ListPoolsRequest request, StreamObserver<ListPoolsResponse> out) {
    PageQuery query = PageQuery.ofUuids(request.getPage());
    Page<PoolView> page = pools.list(caller(), query.cursor(), query.size());
    reply(
        out,
        ListPoolsResponse.newBuilder()
            .addAllPools(page.items().stream().map(PoolMessages::pool).toList())
            .setPage(CommonMessages.page(page.nextCursor()))
            .build());
  }

  /** Size, spares, entitlements and refresh pace; the pool's name, kind and golden stay. */
  @Override
  public void updatePool(UpdatePoolRequest request, StreamObserver<Pool> out) {
    Caller caller = caller();
    caller.requireAdmin("Changing a pool");
    UUID id = RequestFields.uuid("pool.id", request.getPool().getId());
    PoolSpec current = pools.get(caller, id).spec();
    PoolSpec next = PoolMessages.changes(current, request.getPool());
    reply(out, PoolMessages.pool(pools.update(caller, id, next)));
  }

  /** Marks the pool DELETING; the pool controller removes its desktops, then the pool is gone. */
  @Override
  public void deletePool(GetPoolRequest request, StreamObserver<Pool> out) {
    reply(
        out, PoolMessages.pool(pools.delete(caller(), RequestFields.uuid("id", request.getId()))));
  }

  /**
   * Moves the pool to another published golden version, looked up in the golden image service; the
   * pool controller refreshes idle desktops a few at a time, the others at their next logoff.
   */
  @Override
  public void rollPool(RollPoolRequest request, StreamObserver<Pool> out) {
    Caller caller = caller();
    caller.requireAdmin("Rolling a pool");
    UUID id = RequestFields.uuid("id", request.getId());
    String version =
        RequestFields.required("golden_image_version_id", request.getGoldenImageVersionId());
    if (request.getMaxConcurrentRefreshes() < 0) {
      throw ApiFailures.invalid("max_concurrent_refreshes", "cannot be negative");
    }
    PoolSpec current = pools.get(caller, id).spec();
    PoolSpec rolled = PoolMessages.rolled(current, version, request.getMaxConcurrentRefreshes());
    reply(out, PoolMessages.pool(pools.update(caller, id, rolled)));
  }

  /** REST's {@code POST /api/v1/desktops} for the caller: their desktop of an entitled pool. */
  @Override
  public void requestDesktop(RequestDesktopRequest request, StreamObserver<Desktop> out) {
    DesktopService.CreateDesktop create =
        new DesktopService.CreateDesktop(RequestFields.uuid("pool_id", request.getPoolId()), null);
    String key = CallContext.idempotencyKey(request.getIdempotencyKey());
    reply(out, DesktopMessages.desktop(desktops.create(caller(), create, key)));
  }
}
