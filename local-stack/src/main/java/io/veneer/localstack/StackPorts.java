package io.veneer.localstack;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The loopback ports of the stack: fixed, so that URLs stay the same from run to run, and all moved
 * together by {@code VENEER_PORT_OFFSET} when something else on the machine holds one of them.
 */
public record StackPorts(
    int postgres,
    int kafka,
    int kafkaController,
    int imagesHttp,
    int imagesManagement,
    int imagesGrpc,
    int controlPlaneHttp,
    int controlPlaneManagement,
    int agentGateway,
    int apiGrpc,
    int keycloakHttp,
    int keycloakManagement,
    int portalHttp) {

  public static final StackPorts DEFAULTS =
      new StackPorts(
          15432, 19092, 19093, 8081, 9081, 9091, 8080, 9080, 9090, 9092, 8180, 8190, 8082);

  private static final int HIGHEST_DEFAULT = 19093;

  public StackPorts {
    for (int port :
        new int[] {
          postgres,
          kafka,
          kafkaController,
          imagesHttp,
          imagesManagement,
          imagesGrpc,
          controlPlaneHttp,
          controlPlaneManagement,
          agentGateway,
          apiGrpc,
          keycloakHttp,
          keycloakManagement,
          portalHttp
        }) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("Port " + port + " is outside 1-65535");
      }
    }
  }

  public static StackPorts fromEnvironment(Map<String, String> env) {
    String text = env.getOrDefault("VENEER_PORT_OFFSET", "").strip();
    if (text.isEmpty()) {
      return DEFAULTS;
    }
    int offset;
    try {
      offset = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "VENEER_PORT_OFFSET must be a whole number such as 100, not '" + text + "'", e);
    }
    if (offset < 0 || HIGHEST_DEFAULT + offset > 65535) {
      throw new IllegalArgumentException(
          "VENEER_PORT_OFFSET must be between 0 and "
              + (65535 - HIGHEST_DEFAULT)
              + ", not "
              + text);
    }
    return DEFAULTS.offsetBy(offset);
  }

  public StackPorts offsetBy(int offset) {
    return new StackPorts(
        postgres + offset,
        kafka + offset,
        kafkaController + offset,
        imagesHttp + offset,
        imagesManagement + offset,
        imagesGrpc + offset,
        controlPlaneHttp + offset,
        controlPlaneManagement + offset,
        agentGateway + offset,
        apiGrpc + offset,
        keycloakHttp + offset,
        keycloakManagement + offset,
        portalHttp + offset);
  }

  /** Each port with what listens on it, in start order. */
  public Map<String, Integer> byUse() {
    Map<String, Integer> uses = new LinkedHashMap<>();
    uses.put("Keycloak HTTP", keycloakHttp);
    uses.put("Keycloak management (health)", keycloakManagement);
    uses.put("PostgreSQL", postgres);
    uses.put("Kafka", kafka);
    uses.put("Kafka controller", kafkaController);
    uses.put("golden image service HTTP", imagesHttp);
    uses.put("golden image service management (actuator, OpenAPI)", imagesManagement);
    uses.put("golden image service gRPC (the control plane's version lookups)", imagesGrpc);
    uses.put("control plane HTTP", controlPlaneHttp);
    uses.put("control plane management (actuator, OpenAPI)", controlPlaneManagement);
    uses.put("control plane agent gateway (gRPC)", agentGateway);
    uses.put("control plane public API (gRPC)", apiGrpc);
    uses.put("web portal HTTP", portalHttp);
    return uses;
  }

  /** What cannot start because its port is taken, as "8080 (control plane HTTP)". */
  public List<String> taken(IntPredicate isFree) {
    return byUse().entrySet().stream()
        .filter(use -> !isFree.test(use.getValue()))
        .map(use -> use.getValue() + " (" + use.getKey() + ")")
        .toList();
  }

  /**
   * Whether nothing listens on the port on any address: the agent gateway binds every interface, so
   * a loopback-only probe would miss a wildcard listener.
   */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return socket.getLocalPort() == port;
    } catch (IOException e) {
      return false;
    }
  }
}
