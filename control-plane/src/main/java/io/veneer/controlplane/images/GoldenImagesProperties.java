package io.veneer.controlplane.images;

import io.veneer.api.tls.ClientTls;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the control plane looks up golden image versions ({@code veneer.images.*}).
 *
 * @param grpcTarget host:port of the golden image service's gRPC API; blank = no lookups, so pools
 *     must name their golden digest themselves
 * @param apiToken the golden image service's API token, sent as a bearer token
 * @param timeoutMillis how long one lookup may take (default 5000)
 * @param grpcCaFile PEM CA certificates the service's TLS certificate is verified with (default:
 *     the JVM's trust store)
 * @param grpcPlaintext dial the service in clear (development only; logged as a warning)
 */
@ConfigurationProperties("veneer.images")
public record GoldenImagesProperties(
    @DefaultValue("") String grpcTarget,
    @DefaultValue("") String apiToken,
    @DefaultValue("5000") long timeoutMillis,
    Path grpcCaFile,
    @DefaultValue("false") boolean grpcPlaintext) {

  public GoldenImagesProperties {
    tls();
  }

  /** How the service is dialled: TLS verified against {@link #grpcCaFile}, unless plaintext. */
  public ClientTls tls() {
    return new ClientTls(grpcCaFile, grpcPlaintext, "veneer.images.grpc-ca-file/grpc-plaintext");
  }
}
