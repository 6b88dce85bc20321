package io.veneer.api.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What the control plane allows when it redeems a console ticket: {@code subject} may see {@code
 * desktopId}'s display on {@code hostId} until {@code expiresAt}, once ({@code nonce}). The console
 * proxy presents it, signed with the control plane's Ed25519 key, to the host's agent, which checks
 * it ({@link #verified}) before it relays a single byte to the display.
 *
 * <p>Wire form: {@code v1.<base64url payload>.<base64url signature>}, the payload being the fields
 * one per line; at most {@link #MAX_LENGTH} characters.
 */
public record ConsoleGrant(
    UUID desktopId, String hostId, String subject, Instant expiresAt, String nonce) {

  /** The longest grant an agent reads. */
  public static final int MAX_LENGTH = 2048;

  private static final String VERSION = "v1";
  private static final Pattern TEXT = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();

  public ConsoleGrant {
    if (desktopId == null || expiresAt == null) {
      throw new IllegalArgumentException("a console grant names its desktop and its expiry");
    }
    for (String field : new String[] {hostId, subject, nonce}) {
      if (field == null || !TEXT.matcher(field).matches()) {
        throw new IllegalArgumentException(
            "a console grant's host, subject and nonce are 1-255 printable ASCII characters");
      }
    }
  }

  /** A grant with a fresh random nonce. */
  public static ConsoleGrant of(UUID desktopId, String hostId, String subject, Instant expiresAt) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return new ConsoleGrant(desktopId, hostId, subject, expiresAt, ENCODER.encodeToString(nonce));
  }

  /** The grant in its wire form, signed with the control plane's Ed25519 {@code key}. */
  public String signedWith(PrivateKey key) {
    byte[] payload = payload().getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(key);
      signature.update(payload);
      return VERSION
          + "."
          + ENCODER.encodeToString(payload)
          + "."
          + ENCODER.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot sign a console grant with " + key.getAlgorithm(), e);
    }
  }

  /**
   * The grant {@code text} carries, if {@code key} signed it.
   *
   * @throws Refused when it is malformed or not signed with {@code key}; nothing else is checked
   */
  public static ConsoleGrant verified(String text, PublicKey key) throws Refused {
    String[] parts = text == null || text.length() > MAX_LENGTH ? null : text.split("\\.", -1);
    if (parts == null || parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new Refused("not a console grant");
    }
    byte[] payload;
    try {
      payload = DECODER.decode(parts[1]);
      Signature signature = Signature.getInstance("Ed25519");
      signature.initVerify(key);
      signature.update(payload);
      if (!signature.verify(DECODER.decode(parts[2]))) {
        throw new Refused("the grant is not signed by the control plane");
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new Refused("the grant is not signed by the control plane");
    }
    String[] fields = new String(payload, StandardCharsets.US_ASCII).split("\n", -1);
    try {
      return new ConsoleGrant(
          UUID.fromString(fields[0]),
          fields[1],
          fields[2],
          Instant.ofEpochSecond(Long.parseLong(fields[3])),
          fields[4]);
    } catch (RuntimeException e) {
      // Signed, so only a control plane of another version could have written it.
      throw new Refused("the grant's fields cannot be read");
    }
  }

  private String payload() {
    return String.join(
        "\n",
        desktopId.toString(),
        hostId,
        subject,
        Long.toString(expiresAt.getEpochSecond()),
        nonce);
  }

  /** A grant that is not one, or not the control plane's; the reason is in words. */
  public static final class Refused extends Exception {
    public Refused(String reason) {
      super(reason);
    }
  }
}
