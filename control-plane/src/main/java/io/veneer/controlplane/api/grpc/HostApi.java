package io.veneer.controlplane.api.grpc;

import static io.veneer.controlplane.api.grpc.CallContext.caller;
import static io.veneer.controlplane.api.grpc.Replies.reply;

import io.grpc.stub.StreamObserver;
import io.veneer.api.v1.GetHostRequest;
import io.veneer.api.v1.Host;
import io.veneer.api.v1.HostActionRequest;
import io.veneer.api.v1.HostServiceGrpc;
import io.veneer.api.v1.ListHostsRequest;
import io.veneer.api.v1.ListHostsResponse;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.controlplane.hosts.HostView;
import io.veneer.controlplane.reconcile.HostFencing;
import java.util.List;
import org.springframework.stereotype.Component;

/** {@code veneer.api.v1.HostService} over {@link HostService}: admins only, as REST's hosts. */
@Component
class HostApi extends HostServiceGrpc.HostServiceImplBase {

  private final HostService hosts;
  private final HostFencing fencing;

  HostApi(HostService hosts, HostFencing fencing) {
    this.hosts = hosts;
    this.fencing = fencing;
  }

  @Override
  public void getHost(GetHostRequest request, StreamObserver<Host> out) {
    caller().requireAdmin("Reading a host");
    String id = RequestFields.required("id", request.getId());
    reply(out, HostMessages.host(hosts.view(hosts.get(id))));
  }

  /** Hosts by id after the page token; the service returns them all, hosts being few. */
  @Override
  public void listHosts(ListHostsRequest request, StreamObserver<ListHostsResponse> out) {
    caller().requireAdmin("Listing hosts");
    PageQuery query = PageQuery.of(request.getPage());
    List<HostView> after =
        hosts.views().stream()
            .filter(h -> query.cursor() == null || h.id().compareTo(query.cursor()) > 0)
            .limit(query.size() + 1L)
            .toList();
    List<HostView> page = after.stream().limit(query.size()).toList();
    reply(
        out,
        ListHostsResponse.newBuilder()
            .addAllHosts(page.stream().map(HostMessages::host).toList())
            .setPage(CommonMessages.page(after.size() > page.size() ? page.getLast().id() : null))
            .build());
  }

  @Override
  public void enterMaintenance(HostActionRequest request, StreamObserver<Host> out) {
    order(request, HostStatus.MAINTENANCE, out);
  }

  @Override
  public void drainHost(HostActionRequest request, StreamObserver<Host> out) {
    order(request, HostStatus.DRAINING, out);
  }

  @Override
  public void resumeHost(HostActionRequest request, StreamObserver<Host> out) {
    order(request, HostStatus.UP, out);
  }

  /** Confirms the host is gone; its desktops are placed again elsewhere (as REST's fence). */
  @Override
  public void fenceHost(HostActionRequest request, StreamObserver<Host> out) {
    String id = RequestFields.required("id", request.getId());
    reply(out, HostMessages.host(fencing.fence(caller(), id)));
  }

  private void order(HostActionRequest request, HostStatus next, StreamObserver<Host> out) {
    String id = RequestFields.required("id", request.getId());
    reply(out, HostMessages.host(hosts.order(caller(), id, next, request.getReason())));
  }
}
