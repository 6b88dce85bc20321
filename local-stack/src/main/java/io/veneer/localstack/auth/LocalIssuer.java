package io.veneer.localstack.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * The token issuer of LOCAL DEVELOPMENT MODE: an RSA key pair kept in a directory, whose public
 * half the control plane trusts ({@code
 * spring.security.oauth2.resourceserver.jwt.public-key-location}), and long-lived RS256 tokens
 * signed with the private half. Anyone who can read the private key can become admin: never point a
 * shared control plane at it.
 */
public final class LocalIssuer {

  /** The {@code iss} of every token; the control plane does not check it in this mode. */
  public static final String ISSUER = "veneer-local-development";

  private static final String PRIVATE_PEM = "PRIVATE KEY";
  private static final String PUBLIC_PEM = "PUBLIC KEY";

  private final Path publicKeyFile;
  private final JwtEncoder encoder;

  private LocalIssuer(Path publicKeyFile, RSAPublicKey publicKey, RSAPrivateKey privateKey) {
    this.publicKeyFile = publicKeyFile;
    this.encoder = NimbusJwtEncoder.withKeyPair(publicKey, privateKey).build();
  }

  /** The issuer whose keys are in {@code directory}, creating them on first use. */
  public static LocalIssuer loadOrCreate(Path directory) throws IOException {
    Path privateFile = directory.resolve("jwt-private.pem");
    Path publicFile = directory.resolve("jwt-public.pem");
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      if (!Files.exists(privateFile) || !Files.exists(publicFile)) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Files.createDirectories(directory);
        writePem(privateFile, PRIVATE_PEM, pair.getPrivate().getEncoded());
        Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
        writePem(publicFile, PUBLIC_PEM, pair.getPublic().getEncoded());
      }
      RSAPrivateKey privateKey =
          (RSAPrivateKey)
              rsa.generatePrivate(new PKCS8EncodedKeySpec(readPem(privateFile, PRIVATE_PEM)));
      RSAPublicKey publicKey =
          (RSAPublicKey)
              rsa.generatePublic(new X509EncodedKeySpec(readPem(publicFile, PUBLIC_PEM)));
      return new LocalIssuer(publicFile, publicKey, privateKey);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(
          "The local signing keys in "
              + directory
              + " are unreadable ("
              + e.getMessage()
              + "): delete that directory and run ./veneer up again to make new ones",
          e);
    }
  }

  /** The PEM file of the public key, in the X.509 form Spring Boot's resource server reads. */
  public Path publicKeyFile() {
    return publicKeyFile;
  }

  /** A signed token for {@code user}, valid from {@code now} for {@code validity}. */
  public String mint(DevUser user, Instant now, Duration validity) {
    JwtClaimsSet claims =
        JwtClaimsSet.builder()
            .issuer(ISSUER)
            .subject(user.name())
            .claim("preferred_username", user.name())
            .claim("roles", user.roles())
            .issuedAt(now)
            .expiresAt(now.plus(validity))
            .build();
    JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).build();
    return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
  }

  private static void writePem(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }

  private static byte[] readPem(Path file, String type) throws IOException {
    String text = Files.readString(file);
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(file + " holds no " + type);
    }
    return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
  }
}
