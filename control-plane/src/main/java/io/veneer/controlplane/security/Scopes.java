package io.veneer.controlplane.security;

import java.util.Set;

/**
 * What an automation client may do, by OAuth scope. People are governed by their roles alone; a
 * client acting as itself (client credentials) may only do what its {@code veneer:*} scopes name,
 * on top of its service account's roles: none given, nothing allowed.
 */
public final class Scopes {

  public static final String READ = "veneer:read";
  public static final String DESKTOPS = "veneer:desktops";
  public static final String POOLS = "veneer:pools";
  public static final String HOSTS = "veneer:hosts";

  public static final Set<String> ALL = Set.of(READ, DESKTOPS, POOLS, HOSTS);

  private Scopes() {}

  /** The scope a REST call needs: reads need {@code veneer:read}, changes their area's scope. */
  public static String forRest(String method, String path) {
    if (method.equals("GET") || method.equals("HEAD")) {
      return READ;
    }
    if (path.startsWith("/api/v1/pools") || path.startsWith("/api/v1/quotas")) {
      return POOLS;
    }
    if (path.startsWith("/api/v1/hosts")) {
      return HOSTS;
    }
    return DESKTOPS;
  }

  /** The scope a gRPC method of {@code veneer.api.v1} needs, by the same rule. */
  public static String forGrpc(String fullMethodName) {
    String service = fullMethodName.substring(0, fullMethodName.indexOf('/'));
    String method = fullMethodName.substring(fullMethodName.indexOf('/') + 1);
    if (method.startsWith("Get") || method.startsWith("List") || method.startsWith("Watch")) {
      return READ;
    }
    return switch (service) {
      case "veneer.api.v1.PoolService" -> method.equals("RequestDesktop") ? DESKTOPS : POOLS;
      case "veneer.api.v1.HostService" -> HOSTS;
      default -> DESKTOPS;
    };
  }
}
