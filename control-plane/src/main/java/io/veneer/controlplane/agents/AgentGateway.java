package io.veneer.controlplane.agents;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.AgentServiceGrpc;
import io.veneer.agent.v1.CachedImage;
import io.veneer.agent.v1.ControlMessage;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.controlplane.hosts.HostImages;
import io.veneer.controlplane.placement.HostCapabilities;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * {@code veneer.agent.v1.AgentService.Connect}: the agent's first message must be a Hello for the
 * host its token belongs to (else PERMISSION_DENIED); it then receives its host's full desired set.
 * Status reports move desktops through the lifecycle, written in batches ({@link StatusBatches}); a
 * report about a desktop of another host closes the stream with PERMISSION_DENIED.
 *
 * <p>Later changes reach the agent as upserts and removals through {@link AgentSessions}, whichever
 * replica made them.
 */
@Component
public class AgentGateway extends AgentServiceGrpc.AgentServiceImplBase implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(AgentGateway.class);

  static final Metadata.Key<String> TOKEN =
      Metadata.Key.of("x-veneer-agent-token", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> PRESENTED_TOKEN = Context.key("agent-token");
  private static final Context.Key<String> REMOTE_ADDRESS = Context.key("agent-address");

  private final AgentCredentials credentials;
  private final AgentReports reports;
  private final AgentProperties properties;
  private final AgentSessions sessions;
  private final AtomicInteger connected = new AtomicInteger();

  private final HostImages hostImages;
  private final HostCapabilities capabilities;

  /** Where agents' batches of status reports are written ({@link StatusBatches}). */
  private final ExecutorService writers;

  private final DistributionSummary reportBatchSizes;
  private final ScheduledExecutorService helloDeadlines =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("agent-hello-deadlines").daemon().factory());

  AgentGateway(
      AgentCredentials credentials,
      AgentReports reports,
      AgentProperties properties,
      AgentSessions sessions,
      HostImages hostImages,
      HostCapabilities capabilities,
      MeterRegistry meters) {
    this.sessions = sessions;
    this.hostImages = hostImages;
    this.capabilities = capabilities;
    this.credentials = credentials;
    this.reports = reports;
    this.properties = properties;
    meters.gauge("veneer.agent.connections", connected);
    this.writers =
        Executors.newFixedThreadPool(
            properties.reportWriters(), Thread.ofPlatform().name("agent-reports-", 1).factory());
    this.reportBatchSizes =
        DistributionSummary.builder("veneer.agent.report.batch")
            .description("Status reports written in one transaction")
            .register(meters);
  }

  @Override
  public void destroy() {
    writers.shutdown();
    helloDeadlines.shutdownNow();
  }

  /**
   * Carries the agent token from the call's metadata, and where the call came from, to the stream.
   */
  static ServerInterceptor tokenInterceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        Context context =
            Context.current()
                .withValue(PRESENTED_TOKEN, headers.get(TOKEN))
                .withValue(
                    REMOTE_ADDRESS,
                    remote instanceof InetSocketAddress inet && inet.getAddress() != null
                        ? inet.getAddress().getHostAddress()
                        : null);
        return Contexts.interceptCall(context, call, headers, next);
      }
    };
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<ControlMessage> agent) {
    String token = PRESENTED_TOKEN.get();
    String address = REMOTE_ADDRESS.get();
    return new StreamObserver<>() {
      private String hostId;
      private AgentSessions.Session session;
      private boolean closed;
      private StatusBatches statuses;

      /**
       * On a writer: one batch of the reports of {@code host}'s agent, in one transaction; also
       * when the stream ended meanwhile (the agent sent them), not when it was refused.
       */
      private void write(String host, List<DesktopStatus> batch) {
        synchronized (this) {
          if (closed) {
            return;
          }
        }
        reportBatchSizes.record(batch.size());
        try {
          List<String> foreign = reports.reportAll(host, batch);
          if (!foreign.isEmpty()) {
            refuseIfOpen(
                Status.PERMISSION_DENIED.withDescription(
                    "Desktop " + foreign.getFirst() + " is not desired on host " + host));
          }
        } catch (RuntimeException e) {
          log.error("event=agent.error host={} error=\"{}\"", host, e.toString(), e);
          refuseIfOpen(
              Status.INTERNAL.withDescription("The control plane failed: " + e.getMessage()));
        }
      }

      private synchronized void refuseIfOpen(Status status) {
        if (!closed && hostId != null) {
          refuse(status);
        }
      }

      private final ScheduledFuture<?> helloDeadline =
          helloDeadlines.schedule(
              this::helloTimedOut, properties.helloTimeoutSeconds(), TimeUnit.SECONDS);

      private synchronized void helloTimedOut() {
        if (hostId == null && !closed) {
          log.warn("event=agent.refused reason=no-hello");
          refuse(
              Status.DEADLINE_EXCEEDED.withDescription(
                  "No Hello within "
                      + properties.helloTimeoutSeconds()
                      + " s of opening the stream: the first message must be Hello"));
        }
      }

      @Override
      public synchronized void onNext(AgentMessage message) {
        if (closed) {
          return;
        }
        if (session != null && !session.isOpen()) {
          // Its token was replaced or revoked: the session ended the stream.
          closed = true;
          disconnected();
          return;
        }
        try {
          if (hostId == null) {
            if (!message.hasHello()) {
              refuse(Status.FAILED_PRECONDITION.withDescription("The first message must be Hello"));
              return;
            }
            String claimed = message.getHello().getHostId();
            if (!credentials.admits(claimed, token)) {
              log.warn("event=agent.refused host={} reason=token-not-for-host", claimed);
              refuse(
                  Status.PERMISSION_DENIED.withDescription(
                      "The agent token does not belong to host " + claimed));
              return;
            }
            hostId = claimed;
            statuses = new StatusBatches(writers, batch -> write(claimed, batch));
            capabilities.record(message.getHello());
            helloDeadline.cancel(false);
            connected.incrementAndGet();
            log.info("event=agent.connected host={}", hostId);
            session =
                sessions.open(
                    hostId,
                    token,
                    agent,
                    reports.hello(
                        message.getHello(), address, properties.heartbeatIntervalSeconds()));
            return;
          }
          switch (message.getKindCase()) {
            case STATUS -> statuses.add(message.getStatus());
            case HEARTBEAT -> reports.heartbeat(hostId, message.getHeartbeat());
            case HELLO ->
                refuse(Status.FAILED_PRECONDITION.withDescription("Hello was already sent"));
            case IMAGE_CACHE_CHANGE ->
                hostImages.change(
                    hostId,
                    message.getImageCacheChange().getAddedList().stream()
                        .map(CachedImage::getDigest)
                        .toList(),
                    message.getImageCacheChange().getRemovedDigestsList());
            case KIND_NOT_SET -> {}
          }
        } catch (RuntimeException e) {
          log.error("event=agent.error host={} error=\"{}\"", hostId, e.toString(), e);
          refuse(Status.INTERNAL.withDescription("The control plane failed: " + e.getMessage()));
        }
      }

      private void refuse(Status status) {
        closed = true;
        if (session != null) {
          session.end(status);
        } else {
          agent.onError(status.asRuntimeException());
        }
        disconnected();
      }

      private void disconnected() {
        helloDeadline.cancel(false);
        if (session != null) {
          sessions.close(session);
          session = null;
        }
        if (hostId != null) {
          connected.decrementAndGet();
          log.info("event=agent.disconnected host={}", hostId);
          hostId = null;
        }
      }

      @Override
      public synchronized void onError(Throwable t) {
        disconnected();
      }

      @Override
      public synchronized void onCompleted() {
        // The session stops sending first: a push must not race the stream's end.
        disconnected();
        if (!closed) {
          closed = true;
          agent.onCompleted();
        }
      }
    };
  }
}
