package io.veneer.controlplane.common;

import io.grpc.ServerCredentials;
import io.veneer.api.tls.ServerTls;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the control plane's gRPC listeners (agent gateway, public API) are secured ({@code
 * veneer.tls.*}): TLS with one certificate, or plaintext only when explicitly set for development.
 *
 * @param certificateFile PEM certificate chain the listeners present
 * @param privateKeyFile its PKCS#8 PEM private key
 * @param plaintext serve in clear (development only; logged as a warning)
 */
@ConfigurationProperties("veneer.tls")
public record GrpcTls(
    Path certificateFile, Path privateKeyFile, @DefaultValue("false") boolean plaintext) {

  public GrpcTls {
    new ServerTls(certificateFile, privateKeyFile, plaintext, "veneer.tls");
  }

  /** The credentials of {@code listener}; refuses, saying what to set, when TLS is not set up. */
  public ServerCredentials credentials(String listener) {
    return new ServerTls(certificateFile, privateKeyFile, plaintext, "veneer.tls")
        .credentials(listener);
  }
}
