package io.veneer.images.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem.HttpMethod;
import io.swagger.v3.oas.models.info.Info;
import io.veneer.apidocs.ApiConventions;
import io.veneer.apidocs.ApiOperation;
import io.veneer.apidocs.BearerScheme;
import io.veneer.apidocs.ProblemResponse;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The REST API's OpenAPI document ({@code /v3/api-docs}): what the API is, how to authenticate, and
 * every problem {@link Problems} answers with, once, in {@link #PROBLEMS}; each operation says what
 * it does in its own {@code @Operation}.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

  /** The scheme of {@code /api/v1/blobs}: node agents only. */
  static final String AGENT_TOKEN = "agentToken";

  private static final List<ProblemResponse> PROBLEMS =
      List.of(
          ProblemResponse.invalidRequest(),
          ProblemResponse.unauthenticated(
              "send the API token (veneer.images.api-token) or an admin's OIDC access token as"
                  + " `Authorization: Bearer <token>`; blobs want the agent token"),
          new ProblemResponse(
              403,
              "The OIDC token is valid but lacks the admin realm role. Nothing changed.",
              op -> op.path().startsWith("/api/v1/images")),
          ProblemResponse.notFound(
              "No such image, version or blob, or the version has no bits (yet, or any more)."),
          new ProblemResponse(
              409,
              "The version's state does not allow this (`currentState` says which), the name is"
                  + " taken, or an upload piece came at the wrong offset: `bytesReceived` says"
                  + " where to resume.",
              ApiOperation::changesState),
          new ProblemResponse(
              422,
              "The image was refused (an unknown or unsafe format, a backing file, a digest"
                  + " that does not match, ...): `detail` says why and `versionId` names the"
                  + " REJECTED version. An OVA refused before its disk became a version (unsafe,"
                  + " malformed, or asking for what a desktop cannot have) has no `versionId`:"
                  + " nothing was kept.",
              ApiDocumentation::verifiesAnImage));

  @Bean
  OpenAPI goldenImageApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Veneer golden image service")
                .version("v1")
                .description(
                    "Golden images and their versions: upload (whole or resumable) or import,"
                        + " safe inspection and conversion to qcow2, publish, deprecate, export"
                        + " to other hypervisors' formats, and the content-addressed blobs node"
                        + " agents download. Errors are RFC 9457 problems"
                        + " (application/problem+json) whose `detail` says what to do."));
  }

  @Bean
  ApiConventions goldenImageApiConventions() {
    return new ApiConventions(
        List.of(
            new BearerScheme(
                "bearer",
                "The API token (veneer.images.api-token, for automation) or a person's OIDC"
                    + " access token with the admin realm role."),
            new BearerScheme(
                AGENT_TOKEN, "The node agents' token (veneer.images.agent-token): blobs only.")),
        PROBLEMS);
  }

  /** The operations that end in inspecting an image, which may refuse it. */
  private static boolean verifiesAnImage(ApiOperation op) {
    return op.method() == HttpMethod.POST
        && (op.path().endsWith("/versions")
            || op.path().endsWith("/complete")
            || op.path().endsWith("versions:import")
            || op.path().equals("/api/v1/images/ova"));
  }
}
