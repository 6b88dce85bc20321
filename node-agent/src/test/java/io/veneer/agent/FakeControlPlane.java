package io.veneer.agent;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.AgentServiceGrpc;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.agent.v1.ControlMessage;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesiredSet;
import io.veneer.agent.v1.DesktopRemoval;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.Heartbeat;
import io.veneer.agent.v1.Hello;
import io.veneer.agent.v1.ImageCacheChange;
import io.veneer.agent.v1.ImagePrefetch;
import io.veneer.agent.v1.ObservedState;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The control plane's side of the agent contract, played by the test over a real gRPC server on
 * loopback: it records what the agent sends and sends what the test says.
 */
final class FakeControlPlane implements AutoCloseable {

  final BlockingQueue<Hello> hellos = new LinkedBlockingQueue<>();
  final List<DesktopStatus> statuses = new CopyOnWriteArrayList<>();
  final List<String> tokens = new CopyOnWriteArrayList<>();
  final List<ImageCacheChange> imageChanges = new CopyOnWriteArrayList<>();
  private final Server server;
  private volatile StreamObserver<ControlMessage> toAgent;

  /** When each heartbeat arrived, in {@link System#nanoTime()}. */
  final List<Long> heartbeatTimes = new CopyOnWriteArrayList<>();

  final List<Heartbeat> heartbeatMessages = new CopyOnWriteArrayList<>();

  private final AtomicInteger refusals = new AtomicInteger();

  /** Signs the certificate the fake serves TLS with; agents trust it through VENEER_TLS_CA. */
  static final LocalCertificateAuthority CA = newAuthority();

  FakeControlPlane() throws IOException {
    Metadata.Key<String> agentToken =
        Metadata.Key.of("x-veneer-agent-token", Metadata.ASCII_STRING_MARSHALLER);
    ServerInterceptor recordToken =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            tokens.add(String.valueOf(headers.get(agentToken)));
            return next.startCall(call, headers);
          }
        };
    AgentServiceGrpc.AgentServiceImplBase service =
        new AgentServiceGrpc.AgentServiceImplBase() {
          @Override
          public StreamObserver<AgentMessage> connect(StreamObserver<ControlMessage> agent) {
            if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
              agent.onError(
                  Status.UNAVAILABLE
                      .withDescription("control plane starting")
                      .asRuntimeException());
              return new NoOpObserver();
            }
            toAgent = agent;
            return new StreamObserver<>() {
              @Override
              public void onNext(AgentMessage message) {
                switch (message.getKindCase()) {
                  case HELLO -> hellos.add(message.getHello());
                  case STATUS -> statuses.add(message.getStatus());
                  case HEARTBEAT -> {
                    heartbeatTimes.add(System.nanoTime());
                    heartbeatMessages.add(message.getHeartbeat());
                  }
                  case IMAGE_CACHE_CHANGE -> imageChanges.add(message.getImageCacheChange());
                  default -> {}
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            };
          }
        };
    server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0),
                TlsServerCredentials.create(
                    CA.serverCertificate().toFile(), CA.serverKey().toFile()))
            .addService(ServerInterceptors.intercept(service, recordToken))
            .build()
            .start();
  }

  static LocalCertificateAuthority newAuthority() {
    try {
      return new LocalCertificateAuthority(Files.createTempDirectory("veneer-agent-tls")).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The agent's settings that dial this fake over TLS, verifying it. */
  Map<String, String> dialSettings() {
    return Map.of(
        "VENEER_CONTROL_PLANE", address(), "VENEER_TLS_CA", CA.caCertificate().toString());
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  Hello awaitHello() throws InterruptedException {
    Hello hello = hellos.poll(30, TimeUnit.SECONDS);
    if (hello == null) {
      throw new AssertionError("The agent never said hello");
    }
    return hello;
  }

  void sendDesiredSet(DesiredDesktop... desktops) {
    toAgent.onNext(
        ControlMessage.newBuilder()
            .setDesiredSet(
                DesiredSet.newBuilder()
                    .addAllDesktops(List.of(desktops))
                    .setHeartbeatIntervalSeconds(1))
            .build());
  }

  void upsert(DesiredDesktop desktop) {
    toAgent.onNext(ControlMessage.newBuilder().setUpsert(desktop).build());
  }

  void remove(String id, long generation) {
    toAgent.onNext(
        ControlMessage.newBuilder()
            .setRemoval(
                DesktopRemoval.newBuilder()
                    .setDesktopId(id)
                    .setSpecGeneration(generation)
                    .setDeleteUserData(true))
            .build());
  }

  void prefetch(BlobRef... blobs) {
    toAgent.onNext(
        ControlMessage.newBuilder()
            .setPrefetch(ImagePrefetch.newBuilder().addAllImages(List.of(blobs)))
            .build());
  }

  /** Sends the console grant keys: these keys' public halves, in place of the agent's. */
  void sendGrantKeys(PublicKey... keys) {
    ConsoleGrantKeys.Builder message = ConsoleGrantKeys.newBuilder();
    for (PublicKey key : keys) {
      message.addEd25519PublicKeys(ByteString.copyFrom(key.getEncoded()));
    }
    toAgent.onNext(ControlMessage.newBuilder().setConsoleGrantKeys(message).build());
  }

  /** Refuses the next connection attempts, as a control plane that is still starting would. */
  void refuseNextConnections(int count) {
    refusals.set(count);
  }

  /** Connection attempts so far, refused ones included. */
  int connectionAttempts() {
    return tokens.size();
  }

  /** Cuts the stream as a failing control plane would. */
  void dropStream() {
    toAgent.onError(
        Status.UNAVAILABLE.withDescription("control plane restarting").asRuntimeException());
  }

  int heartbeats() {
    return heartbeatTimes.size();
  }

  void await(BooleanSupplier condition, String what, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Never got " + what);
      }
      Thread.sleep(50);
    }
  }

  DesktopStatus awaitStatus(String desktopId, ObservedState state, Duration timeout)
      throws InterruptedException {
    return awaitStatus(
        s -> s.getDesktopId().equals(desktopId) && s.getState() == state,
        desktopId + " " + state,
        timeout);
  }

  DesktopStatus awaitStatus(Predicate<DesktopStatus> wanted, String what, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (DesktopStatus status : statuses) {
        if (wanted.test(status)) {
          return status;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("Never got " + what + "; statuses: " + statuses);
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private static final class NoOpObserver implements StreamObserver<AgentMessage> {
    @Override
    public void onNext(AgentMessage message) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
