package io.veneer.loadtests.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The golden image of the storm pool. Simulated guests never read it, so it is a few bytes, placed
 * in every agent's image cache before the agent starts: the agents then report it cached in their
 * Hello (as a warm fleet would) and never fetch it.
 */
public record GoldenBlob(byte[] bytes, String digest) {

  public static GoldenBlob named(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      return new GoldenBlob(bytes, "sha256:" + hex);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the blob where the agent's {@code ImageCache} keeps it: {@code <data>/images/<hex>}. */
  public void seed(Path agentDataDir) throws IOException {
    Path images = Files.createDirectories(agentDataDir.resolve("images"));
    Files.write(images.resolve(digest.substring("sha256:".length())), bytes);
  }
}
