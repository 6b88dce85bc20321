package io.veneer.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grant key's halves as openssl and Helm write them. */
class PemKeysTest {

  @TempDir Path dir;

  @Test
  void thePublicHalfIsReadFromAPublicKeyBlockOrFromACertificateOfTheKey() throws Exception {
    Path key = openssl("key.pem", "genpkey", "-algorithm", "ed25519");
    Path pub = openssl("pub.pem", "pkey", "-in", key.toString(), "-pubout");
    Path certificate =
        openssl("cert.pem", "req", "-x509", "-key", key.toString(), "-subj", "/CN=grants");
    String grant =
        ConsoleGrant.of(UUID.randomUUID(), "host-1", "alice", Instant.ofEpochSecond(1_800_000_000))
            .signedWith(PemKeys.ed25519PrivateKey(key));

    assertThat(ConsoleGrant.verified(grant, PemKeys.ed25519PublicKey(pub)).hostId())
        .isEqualTo("host-1");
    assertThat(ConsoleGrant.verified(grant, PemKeys.ed25519PublicKey(certificate)).hostId())
        .isEqualTo("host-1");
  }

  @Test
  void thePublicHalfDerivedFromThePrivateKeyIsOpensslsAndGoesThroughDer() throws Exception {
    Path key = openssl("key.pem", "genpkey", "-algorithm", "ed25519");
    Path pub = openssl("pub.pem", "pkey", "-in", key.toString(), "-pubout");

    var derived = PemKeys.ed25519PublicHalf(PemKeys.ed25519PrivateKey(key));

    assertThat(derived.getEncoded()).isEqualTo(PemKeys.ed25519PublicKey(pub).getEncoded());
    assertThat(PemKeys.ed25519PublicKey(derived.getEncoded())).isEqualTo(derived);
  }

  @Test
  void aRolloversFileGivesBothKeysInOrder() throws Exception {
    Path old = openssl("old.pem", "genpkey", "-algorithm", "ed25519");
    Path next = openssl("next.pem", "genpkey", "-algorithm", "ed25519");
    Path oldCertificate =
        openssl("old-cert.pem", "req", "-x509", "-key", old.toString(), "-subj", "/CN=grants");
    Path nextPub = openssl("next-pub.pem", "pkey", "-in", next.toString(), "-pubout");
    Path both = dir.resolve("both.pem");
    Files.writeString(both, Files.readString(oldCertificate) + Files.readString(nextPub));

    assertThat(PemKeys.ed25519PublicKeys(both))
        .containsExactly(
            PemKeys.ed25519PublicKey(oldCertificate), PemKeys.ed25519PublicKey(nextPub));
  }

  @Test
  void aCertificateOfAnotherKindOfKeyIsRefused() throws Exception {
    Path key =
        openssl("ec.pem", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
    Path certificate =
        openssl("ec-cert.pem", "req", "-x509", "-key", key.toString(), "-subj", "/CN=grants");

    assertThatThrownBy(() -> PemKeys.ed25519PublicKey(certificate))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not Ed25519");
  }

  private Path openssl(String output, String... arguments) throws Exception {
    Path out = dir.resolve(output);
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    command.addAll(List.of("-out", out.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("openssl %s: %s", command, said).isZero();
    return out;
  }
}
