package io.veneer.localstack;

import java.time.Duration;

/** What {@code up} prints once everything runs: where things are and what to try first. */
final class NextSteps {

  private NextSteps() {}

  static void print(Progress progress, StackLayout layout, StackInfo info, Duration took) {
    String api = info.controlPlane() + "/api/v1";
    progress.say(
        """

        Veneer is up in %s (%s driver).

          Web portal    %s   (log in as alice, bob or admin)
          REST API      %s
          Swagger UI    %s/actuator/swagger-ui   (the management port: metrics at /actuator/prometheus)
          gRPC API      %s   (veneer.api.v1 with health and reflection: grpcurl -cacert %s %s list)
          Images API    %s/api/v1/images
          Kafka         %s  (topics veneer.desktops.v1, veneer.hosts.v1, veneer.pools.v1, veneer.images.v1)
          Keycloak      %s/admin   (admin console: %s / %s)

          LOCAL DEMO USERS of realm veneer (passwords generated once, kept in %s):
            admin  %s   (role admin)
            alice  %s   (role user, group engineering: entitled to the demo pool through it)
            bob    %s   (role user, group finance: entitled to the demo pool by name)
          Local demo credentials: never expose these ports.

        Get a token for alice from Keycloak (password grant, client veneer-cli; it lasts an hour):
          TOKEN=$(curl -s %s -d grant_type=password -d client_id=veneer-cli \\
                  -d username=alice -d 'password=%s' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
        Request a desktop from the demo pool as alice:
          curl -s -X POST %s/desktops -H "Authorization: Bearer $TOKEN" \\
               -H 'Content-Type: application/json' -d '{"poolId":"%s"}'
        See it (state RUNNING, host):
          curl -s %s/desktops -H "Authorization: Bearer $TOKEN"
        Every desktop: the same token request with username=admin, then the same GET.
        Or with the CLI (./veneer --help; it asks for alice's password):
          ./veneer login --username alice && ./veneer desktops request %s && ./veneer desktops watch

          Guest consoles  %s/<host>/desktops/<desktop id>/console.log
          Logs            %s/<part>.log
          State           %s (kept: the next ./veneer up resumes; delete it to start over)

        Ctrl-C or ./veneer down (from another terminal) stops everything, guests included.
        """
            .formatted(
                Progress.seconds(took),
                info.driver(),
                info.portal(),
                api,
                info.controlPlaneManagement(),
                info.apiGrpc(),
                info.grpcCa(),
                info.apiGrpc(),
                info.images(),
                info.kafka(),
                info.keycloak(),
                info.keycloakAdmin(),
                info.keycloakAdminPassword(),
                layout.show(layout.secrets()),
                info.passwords().get("admin"),
                info.passwords().get("alice"),
                info.passwords().get("bob"),
                info.tokenEndpoint(),
                info.passwords().get("alice"),
                api,
                info.poolId(),
                api,
                info.poolId(),
                layout.show(layout.agents()),
                layout.show(layout.logs()),
                layout.show(layout.root())));
  }
}
