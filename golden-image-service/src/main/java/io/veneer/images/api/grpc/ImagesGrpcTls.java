package io.veneer.images.api.grpc;

import io.grpc.ServerCredentials;
import io.veneer.api.tls.ServerTls;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the gRPC ImageService is secured ({@code veneer.images.grpc-tls.*}): TLS with one
 * certificate, or plaintext only when explicitly set for development.
 *
 * @param certificateFile PEM certificate chain the listener presents
 * @param privateKeyFile its PKCS#8 PEM private key
 * @param plaintext serve in clear (development only; logged as a warning)
 */
@ConfigurationProperties("veneer.images.grpc-tls")
public record ImagesGrpcTls(
    Path certificateFile, Path privateKeyFile, @DefaultValue("false") boolean plaintext) {

  private static final String PREFIX = "veneer.images.grpc-tls";

  public ImagesGrpcTls {
    new ServerTls(certificateFile, privateKeyFile, plaintext, PREFIX);
  }

  /** The listener's credentials; refuses, saying what to set, when TLS is not set up. */
  public ServerCredentials credentials() {
    return new ServerTls(certificateFile, privateKeyFile, plaintext, PREFIX)
        .credentials("the gRPC ImageService");
  }
}
