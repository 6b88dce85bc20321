package io.veneer.api.console;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys of console grants from PEM files, as {@code openssl genpkey -algorithm ed25519}
 * writes the private half (PKCS#8) and {@code openssl pkey -pubout} the public one (or a
 * certificate of it).
 */
public final class PemKeys {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private PemKeys() {}

  public static PrivateKey ed25519PrivateKey(Path file) throws IOException {
    byte[] der = block(file, "PRIVATE KEY");
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " holds no Ed25519 private key: " + e.getMessage(), e);
    }
  }

  /**
   * The public key of {@code file}'s first PUBLIC KEY or CERTIFICATE block (Helm, which makes the
   * chart's grant key, can write a certificate of a key but not the bare public half).
   */
  public static PublicKey ed25519PublicKey(Path file) throws IOException {
    return ed25519PublicKeys(file).getFirst();
  }

  /**
   * Every public key of {@code file}, from its PUBLIC KEY and CERTIFICATE blocks in order: during a
   * rollover of the grant key the file holds the old one and the new one.
   *
   * @throws IOException when it holds none, or one that is not Ed25519
   */
  public static List<PublicKey> ed25519PublicKeys(Path file) throws IOException {
    Matcher matcher = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
    List<PublicKey> keys = new ArrayList<>();
    try {
      while (matcher.find()) {
        byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
        PublicKey key =
            switch (matcher.group(1)) {
              case "PUBLIC KEY" ->
                  KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
              case "CERTIFICATE" ->
                  CertificateFactory.getInstance("X.509")
                      .generateCertificate(new ByteArrayInputStream(der))
                      .getPublicKey();
              default -> null;
            };
        if (key == null) {
          continue;
        }
        if (!(key instanceof EdECPublicKey ed && ed.getParams().getName().equals("Ed25519"))) {
          throw new IOException(file + " holds a " + key.getAlgorithm() + " key, not Ed25519");
        }
        keys.add(key);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " holds no Ed25519 public key: " + e.getMessage(), e);
    }
    if (keys.isEmpty()) {
      throw new IOException(file + " holds no PEM 'PUBLIC KEY' or 'CERTIFICATE' block");
    }
    return List.copyOf(keys);
  }

  /**
   * The public half of an Ed25519 private key, which the JDK does not derive by any public method:
   * the key pair generator is fed the private key's own 32 bytes as its randomness (an Ed25519
   * private key is those bytes), and the pair it makes is checked to hold that very private key.
   */
  public static PublicKey ed25519PublicHalf(PrivateKey privateKey) {
    if (!(privateKey instanceof EdECPrivateKey ed)
        || !ed.getParams().getName().equals("Ed25519")
        || ed.getBytes().isEmpty()) {
      throw new IllegalArgumentException(
          "Not an Ed25519 private key: " + privateKey.getAlgorithm());
    }
    byte[] seed = ed.getBytes().get();
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(
          NamedParameterSpec.ED25519,
          new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
              System.arraycopy(seed, 0, bytes, 0, bytes.length);
            }
          });
      KeyPair pair = generator.generateKeyPair();
      if (!Arrays.equals(((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow(), seed)) {
        throw new IllegalStateException("The JDK's Ed25519 generator did not take the given key");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK offers no Ed25519", e);
    }
  }

  /** An Ed25519 public key from its DER-encoded X.509 SubjectPublicKeyInfo. */
  public static PublicKey ed25519PublicKey(byte[] der) throws GeneralSecurityException {
    PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    if (!(key instanceof EdECPublicKey ed && ed.getParams().getName().equals("Ed25519"))) {
      throw new InvalidKeyException("not an Ed25519 key");
    }
    return key;
  }

  /** The DER bytes of the first {@code type} block of {@code file}. */
  static byte[] block(Path file, String type) throws IOException {
    byte[] der = find(Files.readString(file, StandardCharsets.US_ASCII), type);
    if (der == null) {
      throw new IOException(file + " holds no PEM '" + type + "' block");
    }
    return der;
  }

  /** The DER bytes of the first {@code type} block of {@code pem}, or null. */
  private static byte[] find(String pem, String type) {
    Matcher matcher = BLOCK.matcher(pem);
    while (matcher.find()) {
      if (matcher.group(1).equals(type)) {
        return Base64.getMimeDecoder().decode(matcher.group(2));
      }
    }
    return null;
  }
}
