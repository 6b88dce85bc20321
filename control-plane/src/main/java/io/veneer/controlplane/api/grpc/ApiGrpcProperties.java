package io.veneer.controlplane.api.grpc;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Public gRPC API settings ({@code veneer.api.*}).
 *
 * @param grpcPort port of the {@code veneer.api.v1} server (default 9092; 0 = any free port, -1 =
 *     off)
 * @param watchBufferSize changes one WatchDesktops caller may fall behind before it is cut off with
 *     RESOURCE_EXHAUSTED (default 256)
 * @param grpcAddress the address it listens on (default all interfaces; 127.0.0.1 keeps it local)
 * @param watchAccessCheckInterval how often a WatchDesktops call of one pool checks that its caller
 *     is still entitled to the pool, ending it with PERMISSION_DENIED once not (default 30s)
 */
@ConfigurationProperties("veneer.api")
public record ApiGrpcProperties(
    @DefaultValue("9092") int grpcPort,
    @DefaultValue("256") int watchBufferSize,
    @DefaultValue("0.0.0.0") String grpcAddress,
    @DefaultValue("30s") Duration watchAccessCheckInterval) {

  public ApiGrpcProperties {
    if (watchBufferSize < 1) {
      throw new IllegalArgumentException(
          "veneer.api.watch-buffer-size must be at least 1, was " + watchBufferSize);
    }
    if (!watchAccessCheckInterval.isPositive()) {
      throw new IllegalArgumentException(
          "veneer.api.watch-access-check-interval must be positive, was "
              + watchAccessCheckInterval);
    }
  }
}
