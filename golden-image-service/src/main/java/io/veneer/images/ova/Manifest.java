package io.veneer.images.ova;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OVF manifest (.mf): one {@code SHA256(file)= hex} line per file of the package, as ovftool and
 * VirtualBox write and check it. SHA1 lines (older exports) are read too.
 *
 * @param digests file name to its algorithm and digest, in the manifest's order
 */
record Manifest(SequencedMap<String, FileDigest> digests) {

  private static final Pattern LINE =
      Pattern.compile("(SHA256|SHA1|SHA512)\\(([^()]{1,200})\\)\\s?=\\s?([0-9a-fA-F]{40,128})");

  /** A digest as a manifest states it: {@code SHA256}, {@code SHA1} or {@code SHA512}. */
  record FileDigest(String algorithm, String hex) {
    /** The name {@link java.security.MessageDigest} knows it by. */
    String javaName() {
      return switch (algorithm) {
        case "SHA1" -> "SHA-1";
        case "SHA256" -> "SHA-256";
        default -> "SHA-512";
      };
    }
  }

  static Manifest sha256(Map<String, byte[]> digests) {
    SequencedMap<String, FileDigest> lines = new LinkedHashMap<>();
    digests.forEach(
        (file, digest) ->
            lines.put(file, new FileDigest("SHA256", HexFormat.of().formatHex(digest))));
    return new Manifest(lines);
  }

  byte[] bytes() {
    StringBuilder text = new StringBuilder();
    digests.forEach(
        (file, digest) ->
            text.append(digest.algorithm())
                .append('(')
                .append(file)
                .append(")= ")
                .append(digest.hex())
                .append('\n'));
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads a manifest.
   *
   * @throws OvaRefusedException on a line that is not a digest of a file
   */
  static Manifest parse(byte[] bytes) {
    SequencedMap<String, FileDigest> lines = new LinkedHashMap<>();
    for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\r?\n")) {
      if (line.isBlank()) {
        continue;
      }
      Matcher matcher = LINE.matcher(line.strip());
      if (!matcher.matches()) {
        throw new OvaRefusedException(
            "the manifest has a line that is not 'SHA256(file)= digest': '"
                + abbreviate(line)
                + "'");
      }
      String file = matcher.group(2);
      if (lines.put(file, new FileDigest(matcher.group(1), matcher.group(3).toLowerCase()))
          != null) {
        throw new OvaRefusedException("the manifest names '" + file + "' twice");
      }
    }
    return new Manifest(lines);
  }

  private static String abbreviate(String line) {
    return line.length() <= 80 ? line : line.substring(0, 80) + "...";
  }
}
