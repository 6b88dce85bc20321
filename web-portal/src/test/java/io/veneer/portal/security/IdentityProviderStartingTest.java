package io.veneer.portal.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.portal.testing.PortalSession;
import io.veneer.portal.testing.TestPortal;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The portal starts while its identity provider does not answer yet (./veneer up starts both at
 * once): a login meanwhile gets a page that says so and tries again, and goes on to the provider as
 * soon as it answers.
 */
class IdentityProviderStartingTest {

  private static TestPortal portal;

  @BeforeAll
  static void startThePortalFirst() {
    portal = TestPortal.startedBeforeItsIdentityProvider();
  }

  @AfterAll
  static void stop() {
    portal.stop();
  }

  @Test
  void aLoginBeforeTheProviderAnswersWaitsOnAPageThatSaysSoThenGoesOnToTheLogin() {
    PortalSession iris = PortalSession.anonymous(portal);
    assertThat(iris.getOnce("/readyz").statusCode()).isEqualTo(200);

    HttpResponse<String> waiting = iris.get("/desktops");

    assertThat(waiting.statusCode()).isEqualTo(503);
    assertThat(waiting.headers().firstValue("Retry-After")).contains("5");
    assertThat(waiting.body())
        .contains(
            "The identity provider is starting",
            portal.oidc().issuer(),
            "Realm does not exist",
            "<meta http-equiv=\"refresh\" content=\"5\">");

    portal.oidc().realmReady();
    portal.oidc().nextLogin("iris", Set.of("user"));
    HttpResponse<String> retried = iris.get("/login");

    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(retried.uri().getPath()).isEqualTo("/desktops");
    assertThat(retried.body()).contains("Signed in as", "iris");
  }
}
