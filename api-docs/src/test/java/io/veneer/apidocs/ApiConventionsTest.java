package io.veneer.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.PathParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConventionsTest {

  private static final ApiConventions CONVENTIONS =
      new ApiConventions(
          List.of(new BearerScheme("bearer", "An access token")),
          List.of(
              ProblemResponse.invalidRequest(),
              ProblemResponse.unauthenticated("log in again"),
              ProblemResponse.forbidden("admins"),
              ProblemResponse.notFound("No such thing"),
              new ProblemResponse(409, "Its state forbids it", ApiOperation::changesState)));

  @Test
  void documentsEachProblemOnTheOperationsItAppliesToAndTheBearerSchemeOnAll() {
    OpenAPI api = documented();

    CONVENTIONS.customise(api);

    assertThat(api.getPaths().get("/things").getGet().getResponses())
        .containsOnlyKeys("200", "401", "403");
    assertThat(api.getPaths().get("/things/{id}").getPost().getResponses())
        .containsOnlyKeys("200", "400", "401", "403", "404", "409");
    assertThat(api.getPaths().get("/things/{id}").getPost().getResponses().get("409").getContent())
        .containsOnlyKeys("application/problem+json");
    assertThat(api.getComponents().getSecuritySchemes().get("bearer").getScheme())
        .isEqualTo("bearer");
    assertThat(ApiDocumentCheck.shortcomings(api)).isEmpty();
  }

  @Test
  void namesEveryShortcomingOfAnUndocumentedOperation() {
    OpenAPI api = documented();
    api.getPaths().get("/things/{id}").getPost().summary(null).description(" ");
    api.getPaths()
        .get("/things/{id}")
        .getPost()
        .getRequestBody()
        .getContent()
        .get("application/json")
        .setExample(null);

    assertThat(ApiDocumentCheck.shortcomings(api))
        .containsExactlyInAnyOrder(
            "POST /things/{id} has no summary",
            "POST /things/{id} has no description",
            "POST /things/{id} requires no security scheme",
            "GET /things requires no security scheme",
            "POST /things/{id} does not document 401",
            "GET /things does not document 401",
            "POST /things/{id}'s application/json request body has no example");
  }

  @Test
  void refusesAnErrorAnswerThatIsNotAProblem() {
    OpenAPI api = documented();
    CONVENTIONS.customise(api);
    api.getPaths()
        .get("/things")
        .getGet()
        .getResponses()
        .addApiResponse("500", new ApiResponse().description("Broken"));

    assertThat(ApiDocumentCheck.shortcomings(api))
        .containsExactly("GET /things answers 500 without an application/problem+json schema");
  }

  private static OpenAPI documented() {
    Operation list =
        new Operation()
            .operationId("listThings")
            .summary("Lists things")
            .description("All of them")
            .responses(ok());
    Operation poke =
        new Operation()
            .operationId("pokeThing")
            .summary("Pokes a thing")
            .description("Gently")
            .addParametersItem(new PathParameter().name("id").schema(new StringSchema()))
            .requestBody(
                new RequestBody()
                    .content(
                        new Content()
                            .addMediaType(
                                "application/json",
                                new MediaType()
                                    .schema(new ObjectSchema())
                                    .example(Map.of("how", "gently")))))
            .responses(ok());
    return new OpenAPI()
        .info(new Info().title("Things").description("Things to poke").version("1"))
        .paths(
            new Paths()
                .addPathItem("/things", new PathItem().get(list))
                .addPathItem("/things/{id}", new PathItem().post(poke)));
  }

  private static ApiResponses ok() {
    return new ApiResponses().addApiResponse("200", new ApiResponse().description("OK"));
  }
}
