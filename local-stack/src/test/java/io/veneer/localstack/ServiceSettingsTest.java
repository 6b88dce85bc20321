package io.veneer.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.api.console.PemKeys;
import io.veneer.localstack.auth.DemoUser;
import io.veneer.localstack.parts.LocalPostgres;
import io.veneer.localstack.parts.SpringService;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the local stack configures its services: secrets never on a command line ({@code ps} shows
 * those to every user of the machine), and the agent gateway over TLS with a CA of the stack's own
 * that agents verify it with, kept where only the user can read it.
 */
class ServiceSettingsTest {

  @TempDir Path state;
  private StackLayout layout;
  private LocalCertificateAuthority tls;
  private ServiceSettings settings;

  @BeforeEach
  void aStack() throws Exception {
    layout = new StackLayout(state);
    layout.create();
    tls = new LocalCertificateAuthority(layout.tls()).create();
    Credentials credentials =
        new Credentials(
            "keycloak-admin-secret",
            Map.of(DemoUser.ADMIN, "admin-secret"),
            "images-api-secret",
            "images-agent-secret");
    Path jar = state.resolve("service.jar");
    settings =
        new ServiceSettings(
            layout, StackPorts.DEFAULTS, new Jars(jar, jar, jar, jar), credentials, tls);
  }

  @Test
  void noPasswordOrTokenIsACommandLineArgument() {
    for (SpringService service :
        List.of(settings.images(), settings.controlPlane(), settings.portal())) {
      String arguments =
          service.settings().entrySet().stream()
              .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
              .collect(Collectors.joining(" "));
      assertThat(arguments)
          .as(service.name() + "'s command line")
          .doesNotContainIgnoringCase("password")
          .doesNotContain("secret");
    }
    assertThat(settings.controlPlane().environment())
        .containsEntry(ServiceSettings.DATABASE_PASSWORD, LocalPostgres.PASSWORD);
    assertThat(settings.images().environment())
        .containsEntry(ServiceSettings.DATABASE_PASSWORD, LocalPostgres.PASSWORD);
  }

  @Test
  void theAgentGatewayServesTheStacksCertificateAndAgentsVerifyItWithItsCa() throws Exception {
    assertThat(settings.controlPlane().settings())
        .containsEntry("veneer.tls.certificate-file", tls.serverCertificate().toString())
        .containsEntry("veneer.tls.private-key-file", tls.serverKey().toString())
        .doesNotContainKey("veneer.tls.plaintext");
    assertThat(settings.agent("host-1", "token", "simulated"))
        .containsEntry("VENEER_TLS_CA", tls.caCertificate().toString())
        .doesNotContainKey("VENEER_TLS");
    assertThat(Files.readString(tls.serverCertificate())).startsWith("-----BEGIN CERTIFICATE");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.tls())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.serverKey())))
        .isEqualTo("rw-------");
  }

  @Test
  void consolesGoThroughEachAgentsTlsListenerWithGrantsOfTheStacksKey() throws Exception {
    assertThat(settings.controlPlane().settings())
        .containsEntry("veneer.console.grant-key-file", tls.consoleGrantKey().toString());
    assertThat(settings.agent("host-1", "token", "qemu"))
        .containsEntry("VENEER_CONSOLE_LISTEN", "127.0.0.1:0")
        .containsEntry("VENEER_CONSOLE_TLS_CERT", tls.serverCertificate().toString())
        .containsEntry("VENEER_CONSOLE_TLS_KEY", tls.serverKey().toString())
        .containsEntry("VENEER_CONSOLE_GRANT_KEY", tls.consoleGrantPublicKey().toString());
    assertThat(settings.portal().settings())
        .containsEntry("veneer.portal.console-ca-file", tls.caCertificate().toString());
    assertThat(PemKeys.ed25519PublicKey(tls.consoleGrantPublicKey())).isNotNull();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.consoleGrantKey())))
        .isEqualTo("rw-------");
  }
}
