package io.veneer.api.tls;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Veneer gRPC client dials: TLS, verifying the server's certificate and name against a PEM CA
 * file (or the JVM's trust store when none is given), or plaintext only when a development setting
 * says so explicitly (and logged as a warning).
 *
 * @param trustedCaFile PEM certificates of the CAs to trust; {@code null} for the JVM's trust store
 * @param plaintext dial without TLS; for a development machine only
 * @param settingPrefix where these come from, to name them in errors and the log
 */
public record ClientTls(Path trustedCaFile, boolean plaintext, String settingPrefix) {

  private static final Logger log = LoggerFactory.getLogger(ClientTls.class);

  public ClientTls {
    if (plaintext && trustedCaFile != null) {
      throw new IllegalArgumentException(
          settingPrefix
              + ": plaintext contradicts the CA file "
              + trustedCaFile
              + " it is also given: remove one of them");
    }
  }

  /** The credentials to dial {@code target} (named in the log and errors) with. */
  public ChannelCredentials credentials(String target) {
    if (plaintext) {
      log.warn(
          "event=grpc-plaintext target={} setting={}"
              + " warning=\"tokens and data cross the network in clear; development only\"",
          target,
          settingPrefix);
      return InsecureChannelCredentials.create();
    }
    if (trustedCaFile == null) {
      return TlsChannelCredentials.create();
    }
    try {
      return TlsChannelCredentials.newBuilder().trustManager(trustedCaFile.toFile()).build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot read the CA certificates "
              + trustedCaFile
              + " ("
              + settingPrefix
              + ") to verify "
              + target
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
