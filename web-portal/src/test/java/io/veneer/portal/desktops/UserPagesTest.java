package io.veneer.portal.desktops;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.portal.testing.FakeHttpServer.Call;
import io.veneer.portal.testing.FakeOidcProvider;
import io.veneer.portal.testing.PortalSession;
import io.veneer.portal.testing.TestPortal;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The user pages over real HTTP: login, my pools and desktops, actions, errors in words. */
@ExtendWith(OutputCaptureExtension.class)
class UserPagesTest {

  private static final TestPortal portal = TestPortal.get();

  @Test
  void anonymousVisitorIsSentToKeycloakWithPkce() {
    PortalSession anonymous = PortalSession.anonymous(portal);

    HttpResponse<String> first = anonymous.getOnce("/desktops");
    assertThat(first.statusCode()).isEqualTo(302);
    assertThat(first.headers().firstValue("Location").orElseThrow()).endsWith("/login");
    HttpResponse<String> login = anonymous.getOnce("/login");
    assertThat(login.statusCode()).isEqualTo(302);
    assertThat(login.headers().firstValue("Location").orElseThrow())
        .endsWith("/oauth2/authorization/keycloak");

    HttpResponse<String> second = anonymous.getOnce("/oauth2/authorization/keycloak");
    String authorize = second.headers().firstValue("Location").orElseThrow();
    assertThat(authorize)
        .startsWith(portal.oidc().issuer() + "/auth")
        .contains("response_type=code", "code_challenge=", "code_challenge_method=S256");
  }

  @Test
  void loginRedeemsTheCodeWithItsPkceVerifierAndKeepsTokensOnTheServer() {
    int before = portal.oidc().tokenRequests().size();
    PortalSession alice = PortalSession.login(portal, "ulla", Set.of("user"));

    FakeOidcProvider.TokenRequest exchange = portal.oidc().tokenRequests().get(before);
    assertThat(exchange.challengeMethod()).isEqualTo("S256");
    assertThat(exchange.codeVerifier()).isNotBlank();
    String page = alice.get("/desktops").body();
    assertThat(page).contains("Signed in as", "ulla").doesNotContain("access_token", "eyJ");
    assertThat(alice.setCookieHeaders())
        .filteredOn(c -> c.startsWith("VENEER_SESSION="))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c).contains("HttpOnly", "SameSite=Lax"));
  }

  @Test
  void myDesktopsPageShowsMyDesktopsAndEntitledPoolsOnly() {
    UUID mine = portal.controlPlane().addPool("engineering-ulf", Set.of("ulf"));
    UUID theirs = portal.controlPlane().addPool("finance-vera", Set.of("vera"));
    UUID myDesktop = portal.controlPlane().addDesktop("ulf", mine, "RUNNING", null);
    UUID herDesktop = portal.controlPlane().addDesktop("vera", theirs, "RUNNING", null);
    PortalSession ulf = PortalSession.login(portal, "ulf", Set.of("user"));

    String page = ulf.get("/desktops").body();

    assertThat(page)
        .contains("engineering-ulf", "desktop-" + myDesktop)
        .doesNotContain("finance-vera", herDesktop.toString());
    assertThat(callsBy("ulf", "GET", "/api/v1/desktops")).isNotEmpty();
  }

  @Test
  void requestingADesktopRelaysTheUsersTokenAndShowsItsRow() {
    UUID pool = portal.controlPlane().addPool("requests-wim", Set.of("wim"));
    PortalSession wim = PortalSession.login(portal, "wim", Set.of("user"));

    HttpResponse<String> answer =
        wim.post("/desktops", Map.of("poolId", pool.toString(), "requestKey", "k-1"));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("REQUESTED", "requests-wim");
    assertThat(callsBy("wim", "POST", "/api/v1/desktops"))
        .singleElement()
        .satisfies(
            call ->
                assertThat(call.headers().get("Idempotency-Key")).containsExactly("k-1:" + pool));
  }

  @Test
  void aRequestCarriesItsTraceOnToTheControlPlaneAndThePortalLogsItUnderIt(CapturedOutput logs) {
    UUID pool = portal.controlPlane().addPool("traced-yan", Set.of("yan"));
    PortalSession yan = PortalSession.login(portal, "yan", Set.of("user"));

    yan.post("/desktops", Map.of("poolId", pool.toString(), "requestKey", "k-1"));

    String traceparent =
        callsBy("yan", "POST", "/api/v1/desktops")
            .getFirst()
            .headers()
            .get("traceparent")
            .getFirst();
    assertThat(traceparent)
        .as("W3C trace context, so the control plane logs the same trace id")
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    String traceId = traceparent.split("-")[1];
    assertThat(logs.getOut().lines().filter(line -> line.contains("event=desktop-requested")))
        .anySatisfy(line -> assertThat(line).contains(traceId));
  }

  @Test
  void stateChangesWithoutTheCsrfTokenAreRefused() {
    UUID pool = portal.controlPlane().addPool("csrf-xena", Set.of("xena"));
    UUID desktop = portal.controlPlane().addDesktop("xena", pool, "RUNNING", null);
    PortalSession xena = PortalSession.login(portal, "xena", Set.of("user"));

    HttpResponse<String> answer = xena.post("/desktops/" + desktop + "/stop", Map.of(), false);

    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(portal.controlPlane().desktop(desktop)).containsEntry("state", "RUNNING");
  }

  @Test
  void stopRestartAndLogoffAskForConfirmationAndStopReachesTheControlPlane() {
    UUID pool = portal.controlPlane().addPool("confirm-yan", Set.of("yan"));
    UUID desktop = portal.controlPlane().addDesktop("yan", pool, "RUNNING", null);
    PortalSession yan = PortalSession.login(portal, "yan", Set.of("user"));

    String page = yan.get("/desktops").body();
    assertThat(page)
        .contains("hx-confirm=\"Stop this desktop?", "hx-confirm=\"Restart this desktop?")
        .contains("hx-confirm=\"Log off?");

    HttpResponse<String> stopped = yan.post("/desktops/" + desktop + "/stop", Map.of());
    assertThat(stopped.statusCode()).isEqualTo(200);
    assertThat(stopped.body()).contains("STOPPING");
    assertThat(callsBy("yan", "POST", "/api/v1/desktops/" + desktop + "/stop")).hasSize(1);
  }

  @Test
  void
      aStoppedDedicatedDesktopBehindItsPoolsGoldenVersionOffersAnUpdateThatReachesTheControlPlane() {
    UUID pool = portal.controlPlane().addPool("update-una", Set.of("una"));
    UUID desktop = portal.controlPlane().addDesktop("una", pool, "STOPPED", null);
    UUID running = portal.controlPlane().addDesktop("una", pool, "RUNNING", null);
    PortalSession una = PortalSession.login(portal, "una", Set.of("user"));
    assertThat(una.get("/desktops").body())
        .as("a pooled desktop takes new versions at logoff: nothing to offer")
        .doesNotContain("action-golden-update");

    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) portal.controlPlane().pool(pool).get("spec");
    spec.put("kind", "DEDICATED");
    spec.put("goldenVersion", "v2");
    String page = una.get("/desktops").body();

    assertThat(page)
        .contains("hx-post=\"/desktops/" + desktop + "/golden-update\"")
        .doesNotContain("hx-post=\"/desktops/" + running + "/golden-update\"")
        .contains("hx-confirm=\"Update this desktop to its pool");
    HttpResponse<String> updated = una.post("/desktops/" + desktop + "/golden-update", Map.of());
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(updated.body()).as("on the pool's version now").doesNotContain("golden-update");
    assertThat(callsBy("una", "POST", "/api/v1/desktops/" + desktop + "/golden-update")).hasSize(1);
  }

  @Test
  void refusalOfTheControlPlaneIsShownInItsOwnWords() {
    UUID pool = portal.controlPlane().addPool("refusal-zoe", Set.of("zoe"));
    UUID desktop = portal.controlPlane().addDesktop("zoe", pool, "STOPPED", null);
    portal.controlPlane().exhaust(pool);
    PortalSession zoe = PortalSession.login(portal, "zoe", Set.of("user"));

    HttpResponse<String> stop = zoe.post("/desktops/" + desktop + "/stop", Map.of());
    assertThat(stop.statusCode()).isEqualTo(409);
    assertThat(stop.headers().firstValue("HX-Retarget")).hasValue("#messages");
    assertThat(stop.body()).contains("is STOPPED and cannot stop");

    HttpResponse<String> request =
        zoe.post("/desktops", Map.of("poolId", pool.toString(), "requestKey", "k-2"));
    assertThat(request.statusCode()).isEqualTo(409);
    assertThat(request.body()).contains("has no free desktop and is at its maximum size");
  }

  @Test
  void adminPagesAreRefusedToUsers() {
    PortalSession user = PortalSession.login(portal, "amos", Set.of("user"));

    assertThat(user.getOnce("/admin/images").statusCode()).isEqualTo(403);
    assertThat(user.getOnce("/admin/hosts").statusCode()).isEqualTo(403);
  }

  private static java.util.List<Call> callsBy(String user, String method, String path) {
    return portal.controlPlane().calls().stream()
        .filter(c -> user.equals(c.user()) && c.method().equals(method) && c.path().equals(path))
        .toList();
  }
}
