package io.veneer.controlplane.common;

import io.grpc.Server;
import java.util.concurrent.TimeUnit;

/** What the control plane's gRPC servers share. */
public final class GrpcServers {

  private GrpcServers() {}

  /** Lets calls in flight finish for a few seconds, then ends the rest. */
  public static void stop(Server server) {
    server.shutdown();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdownNow();
  }
}
