package io.veneer.images.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.apidocs.ApiDocumentCheck;
import io.veneer.apidocs.RecordedDocument;
import io.veneer.client.images.ApiClient;
import io.veneer.client.images.ApiException;
import io.veneer.client.images.api.ImagesApi;
import io.veneer.client.images.model.CreateImage;
import io.veneer.client.images.model.ImageView;
import io.veneer.client.images.model.VersionView;
import io.veneer.images.ServiceUnderTest;
import io.veneer.images.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The OpenAPI document the image service serves (on its management port) is complete enough for
 * clients, is the one in docs/openapi that api-client is generated from, and that generated client
 * works against it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiDocumentTest {

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(OpenApiDocumentTest.class, registry);
  }

  @LocalServerPort int port;
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
                Path.of("../docs/openapi/golden-image-service.json"),
                Path.of("target/openapi/golden-image-service.json")))
        .isEmpty();
  }

  @Test
  void theGeneratedClientMakesAnAuthenticatedRequest() throws Exception {
    ImagesApi images = new ImagesApi(client(ServiceUnderTest.API_TOKEN));

    ImageView created =
        images.createImage(
            new CreateImage().name("openapi-client").os("debian-12").description("by the client"));

    assertThat(images.getImage(created.getId()).getName()).isEqualTo("openapi-client");
  }

  @Test
  void theGeneratedClientUploadsAVersionAsTheFilesBytes(@TempDir Path dir) throws Exception {
    ImagesApi images = new ImagesApi(client(ServiceUnderTest.API_TOKEN));
    ImageView image = images.createImage(new CreateImage().name("openapi-upload").os("debian-12"));
    Path raw = TestImages.raw(dir);

    VersionView version = images.uploadVersion(image.getId(), raw.toFile(), null, "disk.raw", null);

    assertThat(version.getState()).isEqualTo("AVAILABLE");
    assertThat(version.getVirtualSizeBytes()).isEqualTo(Files.size(raw));
  }

  @Test
  void theGeneratedClientWithoutATokenIsRefusedWithAProblem() {
    ImagesApi images = new ImagesApi(client(null));

    assertThatThrownBy(() -> images.listImages(10, ""))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(401);
              assertThat(e.getResponseHeaders().firstValue("Content-Type"))
                  .hasValue("application/problem+json");
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

  private String served() {
    return new ServiceUnderTest(port)
        .send(new ServiceUnderTest(managementPort).request("/actuator/openapi").build(), 200);
  }
}
