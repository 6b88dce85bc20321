package io.veneer.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.api.console.PemKeys;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grant key files as they change under a running control plane. */
class GrantKeyFilesTest {

  @TempDir Path dir;

  @Test
  void aFileThatStopsReadingLeavesTheLastKeysInUseUntilItReadsAgain() throws Exception {
    var old = new LocalCertificateAuthority(dir.resolve("old")).create();
    var next = new LocalCertificateAuthority(dir.resolve("next")).create();
    Path signing = dir.resolve("grant.key");
    Path accepted = dir.resolve("accepted.pem");
    replace(signing, Files.readString(old.consoleGrantKey()));
    replace(accepted, Files.readString(next.consoleGrantPublicKey()));
    GrantKeyFiles files = new GrantKeyFiles(signing, accepted);
    GrantKeyFiles.KeySet before = files.current();

    replace(accepted, "-----BEGIN PUBLIC KEY-----\nhalf written");
    assertThat(files.current()).isSameAs(before);
    Files.delete(signing);
    assertThat(files.current()).isSameAs(before);

    replace(signing, Files.readString(next.consoleGrantKey()));
    replace(accepted, Files.readString(old.consoleGrantPublicKey()));
    assertThat(files.current().published())
        .containsExactly(
            PemKeys.ed25519PublicKey(next.consoleGrantPublicKey()),
            PemKeys.ed25519PublicKey(old.consoleGrantPublicKey()));
  }

  @Test
  void anUnreadableFileAtStartStopsIt() throws Exception {
    Path signing = dir.resolve("grant.key");
    replace(signing, "not a key");

    assertThatThrownBy(() -> new GrantKeyFiles(signing, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("PRIVATE KEY");
  }

  /** A new file in the old one's place, as a Secret's update makes it. */
  private void replace(Path file, String content) throws IOException {
    Path next = Files.createTempFile(dir, "next", ".pem");
    Files.writeString(next, content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
