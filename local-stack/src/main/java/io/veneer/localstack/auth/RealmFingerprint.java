package io.veneer.localstack.auth;

import io.veneer.testsupport.keycloak.VeneerRealm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * What the {@code veneer} realm was last set up from: the code that sets it up ({@link DemoRealm},
 * {@link VeneerRealm}), the addresses it names and the demo users' passwords, as one digest kept
 * beside Keycloak's database. Keycloak keeps the realm in that database, so a warm start whose
 * digest is unchanged need not set the realm up again (about 10 s of admin calls and password
 * hashing on two cores); any change to the code, a port or a password makes it set up again.
 */
public final class RealmFingerprint {

  private final SecretFile file;
  private final String digest;

  private RealmFingerprint(SecretFile file, String digest) {
    this.file = file;
    this.digest = digest;
  }

  /**
   * @param keycloakData Keycloak's data folder: deleting it deletes the realm and this record
   */
  public static RealmFingerprint of(
      Path keycloakData, URI keycloakUrl, URI portalUrl, Map<DemoUser, String> passwords) {
    MessageDigest sha256 = sha256();
    for (Class<?> code : new Class<?>[] {DemoRealm.class, VeneerRealm.class}) {
      sha256.update(bytecodeOf(code));
    }
    sha256.update((keycloakUrl + "\n" + portalUrl + "\n").getBytes(StandardCharsets.UTF_8));
    for (DemoUser user : DemoUser.ALL) {
      sha256.update(
          (user.name() + "=" + passwords.get(user) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return new RealmFingerprint(
        new SecretFile(keycloakData.resolve("realm-setup.sha256")),
        HexFormat.of().formatHex(sha256.digest()));
  }

  /** Whether the realm was set up from exactly this, by an earlier run. */
  public boolean unchanged() throws IOException {
    return file.read().map(String::strip).filter(digest::equals).isPresent();
  }

  /** Records that the realm is now set up from this. */
  public void record() throws IOException {
    file.write(digest);
  }

  private static byte[] bytecodeOf(Class<?> type) {
    String resource = type.getSimpleName() + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("No bytecode for " + type.getName());
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
