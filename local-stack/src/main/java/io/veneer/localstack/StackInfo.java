package io.veneer.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a running stack offers, written to {@code run/stack.json} once {@code up} is done: for
 * {@code ./veneer status}, for scripts, and for the end-to-end test that drives a stack it started.
 *
 * @param controlPlane the control plane's REST base URL
 * @param images the golden image service's REST base URL
 * @param kafka Kafka's bootstrap servers
 * @param agentGateway the control plane's agent gRPC endpoint
 * @param apiGrpc the control plane's public gRPC API ({@code veneer.api.v1}), host:port on loopback
 * @param grpcCa the local CA's certificate (PEM) that verifies every gRPC listener of the stack
 * @param driver {@code qemu} or {@code simulated}
 * @param hosts the local hosts' ids
 * @param poolId the demo pool
 * @param goldenDigest the tiny golden image's blob digest
 * @param keycloak Keycloak's root URL (admin console at /admin)
 * @param tokenEndpoint the {@code veneer} realm's token endpoint (password grant: {@code
 *     veneer-cli})
 * @param portal the web portal's URL
 * @param keycloakAdmin Keycloak's master-realm administrator
 * @param keycloakAdminPassword that administrator's password
 * @param passwords each demo user's password in the {@code veneer} realm
 * @param userIds each demo user's Keycloak id: the {@code sub} of their tokens, desktops' owner
 * @param controlPlaneManagement the control plane's management port (metrics, the OpenAPI document,
 *     Swagger UI), loopback only
 */
public record StackInfo(
    String controlPlane,
    String images,
    String kafka,
    String agentGateway,
    String apiGrpc,
    String grpcCa,
    String driver,
    List<String> hosts,
    String poolId,
    String goldenDigest,
    String keycloak,
    String tokenEndpoint,
    String portal,
    String keycloakAdmin,
    String keycloakAdminPassword,
    Map<String, String> passwords,
    Map<String, String> userIds,
    String controlPlaneManagement) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  public static StackInfo read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), StackInfo.class);
  }

  void write(Path file) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), this);
    // It holds the demo passwords: readable by the user only, like secrets/.
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
