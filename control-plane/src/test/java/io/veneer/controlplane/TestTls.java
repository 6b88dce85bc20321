package io.veneer.controlplane;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.veneer.api.tls.ClientTls;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The TLS every test control plane serves gRPC with: one CA per test JVM, whose certificate the
 * test's clients verify the listeners with, as agents and automation do.
 */
public final class TestTls {

  public static final LocalCertificateAuthority CA = newAuthority();

  private TestTls() {}

  /** A new CA of its own, in a new directory. */
  public static LocalCertificateAuthority newAuthority() {
    try {
      return new LocalCertificateAuthority(Files.createTempDirectory("veneer-test-tls")).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A channel to a listener on 127.0.0.1 that verifies its certificate against {@link #CA}. */
  public static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress(
            "127.0.0.1",
            port,
            new ClientTls(CA.caCertificate(), false, "test").credentials("127.0.0.1:" + port))
        .build();
  }

  /**
   * The settings of a control plane serving, and dialling the image service, over TLS, and signing
   * console grants with the CA directory's grant key.
   */
  public static List<String> settings() {
    return List.of(
        "veneer.tls.certificate-file=" + CA.serverCertificate(),
        "veneer.tls.private-key-file=" + CA.serverKey(),
        "veneer.images.grpc-ca-file=" + CA.caCertificate(),
        "veneer.console.grant-key-file=" + CA.consoleGrantKey());
  }
}
