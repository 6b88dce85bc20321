package io.veneer.apidocs;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a client needs of an OpenAPI document, checked operation by operation: a summary, a
 * description and an id; a security requirement naming a declared bearer scheme, and its 401
 * answer; every error answer as {@code application/problem+json} with a schema; a schema for every
 * body and an example for every JSON request body. {@link #shortcomings} says what is missing, one
 * sentence each, naming the operation.
 */
public final class ApiDocumentCheck {

  private ApiDocumentCheck() {}

  public static List<String> shortcomings(OpenAPI api) {
    List<String> found = new ArrayList<>();
    if (api.getInfo() == null || blank(api.getInfo().getDescription())) {
      found.add("The document has no info.description");
    }
    List<ApiOperation> operations = ApiConventions.operations(api);
    if (operations.isEmpty()) {
      found.add("The document has no operations");
    }
    for (ApiOperation op : operations) {
      found.addAll(words(op));
      found.addAll(security(api, op));
      found.addAll(responses(op));
      found.addAll(requestBody(op));
    }
    return found;
  }

  private static List<String> words(ApiOperation op) {
    List<String> found = new ArrayList<>();
    if (blank(op.operation().getSummary())) {
      found.add(op.name() + " has no summary");
    }
    if (blank(op.operation().getDescription())) {
      found.add(op.name() + " has no description");
    }
    if (blank(op.operation().getOperationId())) {
      found.add(op.name() + " has no operationId");
    }
    return found;
  }

  private static List<String> security(OpenAPI api, ApiOperation op) {
    List<SecurityRequirement> requirements =
        op.operation().getSecurity() != null ? op.operation().getSecurity() : api.getSecurity();
    if (requirements == null || requirements.isEmpty()) {
      return List.of(op.name() + " requires no security scheme");
    }
    Map<String, SecurityScheme> declared =
        api.getComponents() == null || api.getComponents().getSecuritySchemes() == null
            ? Map.of()
            : api.getComponents().getSecuritySchemes();
    List<String> found = new ArrayList<>();
    requirements.stream()
        .flatMap(requirement -> requirement.keySet().stream())
        .forEach(
            name -> {
              SecurityScheme scheme = declared.get(name);
              if (scheme == null) {
                found.add(op.name() + " requires security scheme '" + name + "', not declared");
              } else if (scheme.getType() != SecurityScheme.Type.HTTP
                  || !"bearer".equalsIgnoreCase(scheme.getScheme())) {
                found.add(op.name() + " requires '" + name + "', which is not an HTTP bearer");
              }
            });
    return found;
  }

  private static List<String> responses(ApiOperation op) {
    Map<String, ApiResponse> responses =
        op.operation().getResponses() == null ? Map.of() : op.operation().getResponses();
    List<String> found = new ArrayList<>();
    if (responses.keySet().stream().noneMatch(status -> status.startsWith("2"))) {
      found.add(op.name() + " documents no success response");
    }
    if (!responses.containsKey("401")) {
      found.add(op.name() + " does not document 401");
    }
    responses.forEach(
        (status, response) -> {
          if (blank(response.getDescription())) {
            found.add(op.name() + " answers " + status + " without a description");
          }
          if (status.startsWith("4") || status.startsWith("5")) {
            MediaType problem =
                response.getContent() == null
                    ? null
                    : response.getContent().get(ApiConventions.PROBLEM_JSON);
            if (problem == null || problem.getSchema() == null) {
              found.add(
                  op.name()
                      + " answers "
                      + status
                      + " without an "
                      + ApiConventions.PROBLEM_JSON
                      + " schema");
            }
          }
        });
    return found;
  }

  private static List<String> requestBody(ApiOperation op) {
    if (op.operation().getRequestBody() == null) {
      return List.of();
    }
    var content = op.operation().getRequestBody().getContent();
    if (content == null || content.isEmpty()) {
      return List.of(op.name() + "'s request body has no media type");
    }
    List<String> found = new ArrayList<>();
    content.forEach(
        (type, media) -> {
          if (media.getSchema() == null) {
            found.add(op.name() + "'s " + type + " request body has no schema");
          }
          boolean hasExample =
              media.getExample() != null
                  || media.getExamples() != null && !media.getExamples().isEmpty();
          if (type.contains("json") && !hasExample) {
            found.add(op.name() + "'s " + type + " request body has no example");
          }
        });
    return found;
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
