package io.veneer.localstack;

import io.veneer.localstack.auth.DevUser;
import java.time.Duration;

/** What {@code up} prints once everything runs: where things are and what to try first. */
final class NextSteps {

  private NextSteps() {}

  static void print(Progress progress, StackLayout layout, StackInfo info, Duration took) {
    String api = info.controlPlane() + "/api/v1";
    String alice = "$(cat " + layout.show(Credentials.tokenFile(layout, DevUser.ALICE)) + ")";
    String admin = "$(cat " + layout.show(Credentials.tokenFile(layout, DevUser.ADMIN)) + ")";
    progress.say(
        """

        Veneer is up in %s (%s driver).

          REST API      %s
          Swagger UI    %s/swagger-ui.html
          Images API    %s/api/v1/images
          Kafka         %s  (topics veneer.desktops.v1, veneer.hosts.v1, veneer.pools.v1, veneer.images.v1)

          LOCAL DEVELOPMENT MODE: tokens signed by a key in %s; never expose these ports.
            admin  %s
            alice  %s   (user, entitled to the demo pool)
            bob    %s   (user, entitled to the demo pool)

        Request a desktop from the demo pool as alice:
          curl -s -X POST %s/desktops -H "Authorization: Bearer %s" \\
               -H 'Content-Type: application/json' -d '{"poolId":"%s"}'
        See it (state RUNNING, host):
          curl -s %s/desktops -H "Authorization: Bearer %s"
        Every desktop, as admin:
          curl -s %s/desktops -H "Authorization: Bearer %s"

          Guest consoles  %s/<host>/desktops/<desktop id>/console.log
          Logs            %s/<part>.log
          State           %s (kept: the next ./veneer up resumes; delete it to start over)

        Ctrl-C or ./veneer down (from another terminal) stops everything, guests included.
        """
            .formatted(
                Progress.seconds(took),
                info.driver(),
                api,
                info.controlPlane(),
                info.images(),
                info.kafka(),
                layout.show(layout.auth()),
                layout.show(Credentials.tokenFile(layout, DevUser.ADMIN)),
                layout.show(Credentials.tokenFile(layout, DevUser.ALICE)),
                layout.show(Credentials.tokenFile(layout, DevUser.BOB)),
                api,
                alice,
                info.poolId(),
                api,
                alice,
                api,
                admin,
                layout.show(layout.agents()),
                layout.show(layout.logs()),
                layout.show(layout.root())));
  }
}
