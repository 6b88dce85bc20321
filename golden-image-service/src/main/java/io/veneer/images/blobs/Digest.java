package io.veneer.images.blobs;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** A sha256 content digest, written {@code sha256:<64 lowercase hex>}. */
public record Digest(String hex) {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public Digest {
    if (hex == null || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "A digest is sha256:<64 lowercase hex digits>, not '" + hex + "'");
    }
  }

  public static Digest ofBytes(byte[] sha256) {
    return new Digest(HexFormat.of().formatHex(sha256));
  }

  /** Parses {@code sha256:<hex>} (or the bare hex). */
  public static Digest parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("A digest is required");
    }
    return new Digest(text.startsWith("sha256:") ? text.substring(7) : text);
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }
}
