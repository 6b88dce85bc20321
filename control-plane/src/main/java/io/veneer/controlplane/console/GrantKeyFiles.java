package io.veneer.controlplane.console;

import io.veneer.api.console.PemKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grant key files, read again whenever one of them changed (a Kubernetes Secret's update, a
 * file replaced by hand), checked at each use: so a rotation needs no restart. A file that no
 * longer reads leaves the keys that did in use, saying why once per change.
 */
final class GrantKeyFiles {

  private static final Logger log = LoggerFactory.getLogger(GrantKeyFiles.class);

  /**
   * What grants are signed with and what agents are sent to verify them.
   *
   * @param signing the private key grants are signed with
   * @param published its public half first, then the keys also accepted
   */
  record KeySet(PrivateKey signing, List<PublicKey> published) {}

  private record Stamps(FileTime signing, FileTime accepted) {}

  private final Path signingFile;
  private final Path acceptedFile;
  private Stamps stamps;
  private KeySet keys;
  private String problem;

  /**
   * Reads both files once; one named but unreadable stops the start.
   *
   * @param acceptedFile public keys agents also accept (PEM), or null
   */
  GrantKeyFiles(Path signingFile, Path acceptedFile) throws IOException {
    this.signingFile = signingFile;
    this.acceptedFile = acceptedFile;
    this.stamps = stamps();
    this.keys = read();
  }

  /** The keys as the files now hold them. */
  synchronized KeySet current() {
    try {
      Stamps now = stamps();
      if (!now.equals(stamps)) {
        keys = read();
        stamps = now;
        log.info(
            "event=console.grant-keys-read published={} reason=\"a grant key file changed\"",
            keys.published().size());
      }
      problem = null;
    } catch (IOException | RuntimeException e) {
      // Read again at the next use: a Secret being swapped, a file half written.
      if (!Objects.equals(problem, e.getMessage())) {
        log.warn(
            "event=console.grant-keys-unreadable action=keep-the-last-keys error=\"{}\"",
            e.getMessage());
      }
      problem = e.getMessage();
    }
    return keys;
  }

  private Stamps stamps() throws IOException {
    return new Stamps(
        Files.getLastModifiedTime(signingFile),
        acceptedFile == null ? null : Files.getLastModifiedTime(acceptedFile));
  }

  private KeySet read() throws IOException {
    PrivateKey signing = PemKeys.ed25519PrivateKey(signingFile);
    List<PublicKey> published = new ArrayList<>();
    published.add(PemKeys.ed25519PublicHalf(signing));
    if (acceptedFile != null) {
      PemKeys.ed25519PublicKeys(acceptedFile).stream()
          .filter(key -> !published.contains(key))
          .forEach(published::add);
    }
    return new KeySet(signing, List.copyOf(published));
  }
}
