package io.veneer.api.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A listener serves TLS, or plaintext when explicitly told so, never plaintext by omission. */
class ServerTlsTest {

  private static final Path CERTIFICATE = Path.of("server.pem");
  private static final Path KEY = Path.of("server.key");

  @Test
  void aListenerWithoutCertificateIsRefusedSayingWhatToSet() {
    assertThatThrownBy(() -> new ServerTls(null, null, false, "veneer.tls").credentials("the API"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot serve the API")
        .hasMessageContaining("veneer.tls.certificate-file")
        .hasMessageContaining("veneer.tls.private-key-file")
        .hasMessageContaining("veneer.tls.plaintext=true");
  }

  @Test
  void anUnreadableCertificateIsRefusedNamingItsSetting() {
    assertThatThrownBy(
            () ->
                new ServerTls(Path.of("/nonexistent/server.pem"), KEY, false, "veneer.tls")
                    .credentials("the API"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("veneer.tls.certificate-file /nonexistent/server.pem cannot be read");
  }

  @Test
  void plaintextIsServedOnlyWhenAskedFor() {
    assertThat(new ServerTls(null, null, true, "veneer.tls").credentials("the API"))
        .isInstanceOf(InsecureServerCredentials.class);
    assertThat(new ClientTls(null, true, "VENEER_TLS").credentials("cp:9090"))
        .isInstanceOf(InsecureChannelCredentials.class);
  }

  @Test
  void plaintextBesideACertificateIsAContradiction() {
    assertThatThrownBy(() -> new ServerTls(CERTIFICATE, KEY, true, "veneer.tls"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("veneer.tls.plaintext=true contradicts");
    assertThatThrownBy(() -> new ClientTls(Path.of("ca.pem"), true, "VENEER_TLS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contradicts");
  }
}
