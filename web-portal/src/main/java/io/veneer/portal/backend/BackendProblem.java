package io.veneer.portal.backend;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A backend refused or failed a call. {@code detail} is the backend's own problem+json detail,
 * which says what to do; the portal shows it as it is.
 *
 * @param status the HTTP status the portal answers with
 */
public final class BackendProblem extends RuntimeException {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final int status;
  private final String title;
  private final String detail;

  public BackendProblem(int status, String title, String detail) {
    super(title + ": " + detail);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }

  /** From a problem+json body (or whatever the backend sent), for a call to {@code service}. */
  static BackendProblem read(String service, int status, InputStream in) {
    Map<?, ?> body;
    try (in) {
      byte[] bytes = in.readNBytes(64 * 1024);
      body = bytes.length == 0 ? Map.of() : JSON.readValue(bytes, Map.class);
    } catch (IOException | JacksonException e) {
      body = Map.of(); // not problem+json: the status alone is reported
    }
    return of(service, status, body);
  }

  private static BackendProblem of(String service, int status, Map<?, ?> body) {
    Object detail = body.get("detail");
    Object title = body.get("title");
    String words =
        detail != null && !detail.toString().isBlank()
            ? detail.toString()
            : service + " answered " + status + " without saying why; try again, or ask an admin.";
    return new BackendProblem(
        status, title == null ? service + " refused the request" : title.toString(), words);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }
}
