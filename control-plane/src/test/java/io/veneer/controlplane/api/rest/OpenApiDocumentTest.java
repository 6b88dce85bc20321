package io.veneer.controlplane.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.apidocs.ApiDocumentCheck;
import io.veneer.apidocs.RecordedDocument;
import io.veneer.client.controlplane.ApiClient;
import io.veneer.client.controlplane.ApiException;
import io.veneer.client.controlplane.api.HostsApi;
import io.veneer.client.controlplane.api.PoolsApi;
import io.veneer.client.controlplane.model.HostRegistration;
import io.veneer.client.controlplane.model.HostView;
import io.veneer.client.controlplane.model.Resources;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * The OpenAPI document the control plane serves (on its management port) is complete enough for
 * clients, is the one in docs/openapi that api-client is generated from, and that generated client
 * works against it.
 */
class OpenApiDocumentTest extends ControlPlaneSpringTest {

  @LocalManagementPort int managementPort;

  @Test
  void everyOperationHasWordsProblemsSecurityAndExamples() throws Exception {
    assertThat(ApiDocumentCheck.shortcomings(RecordedDocument.parse(served()))).isEmpty();
  }

  @Test
  void theRecordedDocumentTheClientIsGeneratedFromIsTheServedOne() throws Exception {
    assertThat(
            RecordedDocument.mismatch(
                served(),
                Path.of("../docs/openapi/control-plane.json"),
                Path.of("target/openapi/control-plane.json")))
        .isEmpty();
  }

  @Test
  void theGeneratedClientMakesAnAuthenticatedRequest() throws Exception {
    HostsApi hosts = new HostsApi(client(TestTokens.admin("openapi-admin")));

    HostView registered =
        hosts.registerHost(
            new HostRegistration()
                .hostId("openapi-client-host")
                .capacity(new Resources().vcpus(8L).memoryMib(16384L).diskGib(100L))
                .zone("z1"));

    assertThat(registered.getId()).isEqualTo("openapi-client-host");
    assertThat(hosts.getHost("openapi-client-host").getCapacity().getVcpus()).isEqualTo(8L);
  }

  @Test
  void theGeneratedClientWithoutATokenIsRefusedWithAProblem() {
    PoolsApi pools = new PoolsApi(client(null));

    assertThatThrownBy(() -> pools.listPools(null, 10))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(401);
              assertThat(e.getResponseHeaders().firstValue("Content-Type"))
                  .hasValueSatisfying(
                      type -> assertThat(type).contains("application/problem+json"));
            });
  }

  private ApiClient client(String token) {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + port);
    if (token != null) {
      client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
    }
    return client;
  }

  private String served() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/openapi"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
