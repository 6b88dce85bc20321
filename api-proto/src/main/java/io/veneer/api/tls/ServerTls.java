package io.veneer.api.tls;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Veneer gRPC server secures its listener: TLS with a PEM certificate chain and its PKCS#8
 * private key, or plaintext only when a development setting says so explicitly (and logged as a
 * warning each time a listener starts). Neither configured refuses to start a listener.
 *
 * @param certificateFile PEM certificate chain, the server's own certificate first
 * @param privateKeyFile PEM (PKCS#8) private key of that certificate
 * @param plaintext serve without TLS; for a development machine only
 * @param settingPrefix where these come from (e.g. {@code veneer.tls}), to name them in errors
 */
public record ServerTls(
    Path certificateFile, Path privateKeyFile, boolean plaintext, String settingPrefix) {

  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  public ServerTls {
    if (plaintext && (certificateFile != null || privateKeyFile != null)) {
      throw new IllegalArgumentException(
          settingPrefix
              + ".plaintext=true contradicts the certificate it is also given: remove one of"
              + " them");
    }
  }

  /** The credentials of {@code listener} (named in the log), read from the files now. */
  public ServerCredentials credentials(String listener) {
    if (plaintext) {
      log.warn(
          "event=grpc-plaintext listener={} setting={}.plaintext"
              + " warning=\"tokens and data cross the network in clear; development only\"",
          listener,
          settingPrefix);
      return InsecureServerCredentials.create();
    }
    if (certificateFile == null || privateKeyFile == null) {
      throw new IllegalStateException(
          "Cannot serve "
              + listener
              + ": gRPC is served over TLS; set "
              + settingPrefix
              + ".certificate-file and "
              + settingPrefix
              + ".private-key-file (PEM), or "
              + settingPrefix
              + ".plaintext=true on a development machine");
    }
    try {
      return TlsServerCredentials.create(
          readable(certificateFile, "certificate-file").toFile(),
          readable(privateKeyFile, "private-key-file").toFile());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "Cannot serve "
              + listener
              + " over TLS with "
              + certificateFile
              + " and "
              + privateKeyFile
              + ": "
              + e.getMessage()
              + "; give a PEM certificate chain and its PKCS#8 key ("
              + settingPrefix
              + ".certificate-file, "
              + settingPrefix
              + ".private-key-file)",
          e);
    }
  }

  private Path readable(Path file, String setting) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          settingPrefix + "." + setting + " " + file + " cannot be read");
    }
    return file;
  }
}
