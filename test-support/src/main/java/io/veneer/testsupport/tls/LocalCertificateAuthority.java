package io.veneer.testsupport.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of one machine, made with {@code openssl} in a directory only its owner
 * can open: a CA and one server certificate for {@code localhost} and {@code 127.0.0.1}, signed by
 * it. Kept between runs; private keys are created owner-only before anything is written to them.
 *
 * <pre>
 * ca.pem  ca.key        the CA (clients trust ca.pem)
 * server.pem server.key the servers' certificate and PKCS#8 key
 * console-grant.key     the control plane's Ed25519 key for console grants (PKCS#8)
 * console-grant.pub     its public half, which agents verify grants with
 * </pre>
 */
public record LocalCertificateAuthority(Path directory) {

  private static final String OWNER_ONLY_DIRECTORY = "rwx------";
  private static final String OWNER_ONLY_FILE = "rw-------";

  /** The CA's certificate: what clients verify servers with. */
  public Path caCertificate() {
    return directory.resolve("ca.pem");
  }

  public Path serverCertificate() {
    return directory.resolve("server.pem");
  }

  public Path serverKey() {
    return directory.resolve("server.key");
  }

  /** The Ed25519 private key the control plane signs console grants with. */
  public Path consoleGrantKey() {
    return directory.resolve("console-grant.key");
  }

  /** The public half of {@link #consoleGrantKey()}: what agents verify console grants with. */
  public Path consoleGrantPublicKey() {
    return directory.resolve("console-grant.pub");
  }

  private Path caKey() {
    return directory.resolve("ca.key");
  }

  /**
   * Makes the CA and the server certificate unless both are there already, and the console grant
   * key pair unless it is.
   */
  public LocalCertificateAuthority create() throws IOException {
    if (!Files.isRegularFile(caCertificate())
        || !Files.isRegularFile(serverCertificate())
        || !Files.isRegularFile(serverKey())) {
      createCertificates();
    }
    if (!Files.isRegularFile(consoleGrantKey()) || !Files.isRegularFile(consoleGrantPublicKey())) {
      ownerOnly(consoleGrantKey());
      openssl("genpkey", "-algorithm", "ed25519", "-out", consoleGrantKey().toString());
      openssl(
          "pkey",
          "-in",
          consoleGrantKey().toString(),
          "-pubout",
          "-out",
          consoleGrantPublicKey().toString());
    }
    return this;
  }

  private void createCertificates() throws IOException {
    Files.createDirectories(directory);
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(OWNER_ONLY_DIRECTORY));
    Path request = directory.resolve("server.csr");
    Path extensions = directory.resolve("server.ext");
    ownerOnly(caKey());
    ownerOnly(serverKey());
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        caKey().toString(),
        "-out",
        caCertificate().toString(),
        "-days",
        "3650",
        "-subj",
        "/CN=Veneer local CA");
    openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        serverKey().toString(),
        "-out",
        request.toString(),
        "-subj",
        "/CN=localhost");
    Files.writeString(
        extensions,
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
            + "extendedKeyUsage=serverAuth\n"
            + "keyUsage=digitalSignature\n",
        StandardCharsets.US_ASCII);
    openssl(
        "x509",
        "-req",
        "-in",
        request.toString(),
        "-CA",
        caCertificate().toString(),
        "-CAkey",
        caKey().toString(),
        "-CAcreateserial",
        "-days",
        "825",
        "-extfile",
        extensions.toString(),
        "-out",
        serverCertificate().toString());
    Files.delete(request);
    Files.delete(extensions);
  }

  /** Creates {@code file} readable by its owner only, so the key is never written anywhere else. */
  private static void ownerOnly(Path file) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY_FILE)));
  }

  private void openssl(String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    Path output = Files.createTempFile(directory, "openssl", ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("openssl " + arguments[0] + " did not finish in 60 s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            "openssl "
                + String.join(" ", arguments)
                + " failed ("
                + process.exitValue()
                + "): "
                + Files.readString(output).strip()
                + "; is openssl (Debian package openssl) installed?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making certificates in " + directory, e);
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
