package io.veneer.controlplane.agents;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.AgentServiceGrpc;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.agent.v1.ControlMessage;
import io.veneer.controlplane.TestTls;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A node agent played by the test: speaks the real Connect contract over a real channel. */
final class TestAgent implements AutoCloseable {

  private final ManagedChannel channel;
  private final StreamObserver<AgentMessage> toServer;
  private final LinkedBlockingQueue<ControlMessage> received = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<ConsoleGrantKeys> grantKeys = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> closed = new CompletableFuture<>();

  TestAgent(int port, String token) {
    channel = TestTls.channel(port);
    Metadata headers = new Metadata();
    headers.put(AgentGateway.TOKEN, token);
    toServer =
        AgentServiceGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .connect(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ControlMessage message) {
                    // Grant keys come beside the desired state, which next() reads in order.
                    if (message.hasConsoleGrantKeys()) {
                      grantKeys.add(message.getConsoleGrantKeys());
                    } else {
                      received.add(message);
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    closed.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    closed.complete(Status.OK);
                  }
                });
  }

  void send(AgentMessage message) {
    toServer.onNext(message);
  }

  ControlMessage next() throws InterruptedException {
    ControlMessage message = received.poll(10, TimeUnit.SECONDS);
    if (message == null) {
      throw new AssertionError("No control message within 10s; stream closed with " + closed);
    }
    return message;
  }

  /** The next console grant keys the control plane sent. */
  ConsoleGrantKeys nextGrantKeys() throws InterruptedException {
    ConsoleGrantKeys keys = grantKeys.poll(10, TimeUnit.SECONDS);
    if (keys == null) {
      throw new AssertionError("No console grant keys within 10s; stream closed with " + closed);
    }
    return keys;
  }

  Status closedWith() throws Exception {
    return closedWithin(Duration.ofSeconds(10));
  }

  Status closedWithin(Duration patience) throws Exception {
    return closed.get(patience.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    try {
      toServer.onCompleted();
    } catch (RuntimeException alreadyClosed) {
      // the server ended the stream first
    }
    channel.shutdownNow();
  }
}
