package io.veneer.apidocs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Makes a service's OpenAPI document one that clients can use: its bearer schemes (the first one
 * required by every operation that names none of its own), the problem schema, and each problem of
 * the service's table as an {@code application/problem+json} response of every operation it applies
 * to. {@link ApiDocumentCheck} verifies the result.
 */
public final class ApiConventions implements OpenApiCustomizer {

  public static final String PROBLEM_JSON = "application/problem+json";
  public static final String PROBLEM_SCHEMA = "Problem";

  private final List<BearerScheme> schemes;
  private final List<ProblemResponse> problems;

  public ApiConventions(List<BearerScheme> schemes, List<ProblemResponse> problems) {
    if (schemes.isEmpty()) {
      throw new IllegalArgumentException("An API needs at least one security scheme");
    }
    this.schemes = List.copyOf(schemes);
    this.problems = List.copyOf(problems);
  }

  @Override
  public void customise(OpenAPI api) {
    if (api.getComponents() == null) {
      api.setComponents(new Components());
    }
    api.getComponents().addSchemas(PROBLEM_SCHEMA, problemSchema());
    schemes.forEach(
        scheme ->
            api.getComponents()
                .addSecuritySchemes(
                    scheme.name(),
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT or opaque token")
                        .description(scheme.description())));
    api.setSecurity(List.of(new SecurityRequirement().addList(schemes.getFirst().name())));
    operations(api).forEach(this::documentProblems);
  }

  /** Every operation of a document, in the document's order. */
  public static List<ApiOperation> operations(OpenAPI api) {
    if (api.getPaths() == null) {
      return List.of();
    }
    List<ApiOperation> all = new ArrayList<>();
    api.getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .forEach((method, op) -> all.add(new ApiOperation(method, path, op))));
    return all;
  }

  private void documentProblems(ApiOperation op) {
    if (op.operation().getResponses() == null) {
      op.operation().setResponses(new ApiResponses());
    }
    problems.stream()
        .filter(problem -> problem.appliesTo().test(op))
        .forEach(
            problem ->
                op.operation()
                    .getResponses()
                    .addApiResponse(
                        String.valueOf(problem.status()),
                        new ApiResponse()
                            .description(problem.description())
                            .content(
                                new Content()
                                    .addMediaType(
                                        PROBLEM_JSON,
                                        new MediaType()
                                            .schema(
                                                new Schema<>()
                                                    .$ref(
                                                        "#/components/schemas/"
                                                            + PROBLEM_SCHEMA))))));
  }

  /** RFC 9457's members; a problem may carry more (e.g. {@code currentState}). */
  private static Schema<?> problemSchema() {
    ObjectSchema schema = new ObjectSchema();
    schema.addProperty(
        "type", new StringSchema().format("uri").description("What kind of problem"));
    schema.addProperty("title", new StringSchema().description("The kind, in words"));
    schema.addProperty("status", new IntegerSchema().description("The HTTP status"));
    schema.addProperty("detail", new StringSchema().description("This case, and what to do"));
    schema.addProperty(
        "instance", new StringSchema().format("uri").description("The request's path"));
    schema.setAdditionalProperties(Boolean.TRUE);
    schema.setDescription(
        "An RFC 9457 problem. Some carry more members, e.g. currentState and requestedState on a"
            + " refused state change, bytesReceived on a wrong upload offset.");
    return schema;
  }
}
