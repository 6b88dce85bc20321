package io.veneer.api.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys of console grants from PEM files, as {@code openssl genpkey -algorithm ed25519}
 * writes the private half (PKCS#8) and {@code openssl pkey -pubout} the public one.
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

  public static PublicKey ed25519PublicKey(Path file) throws IOException {
    byte[] der = block(file, "PUBLIC KEY");
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " holds no Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** The DER bytes of the first {@code type} block of {@code file}. */
  static byte[] block(Path file, String type) throws IOException {
    Matcher matcher = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
    while (matcher.find()) {
      if (matcher.group(1).equals(type)) {
        return Base64.getMimeDecoder().decode(matcher.group(2));
      }
    }
    throw new IOException(file + " holds no PEM '" + type + "' block");
  }
}
