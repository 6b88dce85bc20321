package io.veneer.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.rootfs.UnpackResult.Refused;
import io.veneer.rootfs.UnpackResult.Unpacked;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RootfsUnpackerTest {

  @TempDir Path workspace;

  /** A small root filesystem with every kind of entry a Debian one has. */
  private static TarBuilder rootfs() {
    return new TarBuilder()
        .directory("./", 0755)
        .directory("./etc/", 0755)
        .file("./etc/hostname", "desktop\n")
        .symlink("./etc/localtime", "/usr/share/zoneinfo/UTC")
        .file("./usr/bin/tool", 0755, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8))
        .hardLink("./usr/bin/tool-again", "./usr/bin/tool")
        .file("./usr/bin/passwd", 04755, new byte[] {1, 2, 3})
        .symlink("./bin", "usr/bin")
        .directory("./tmp/", 01777)
        .directory("./root/", 0700)
        .directory("./secret/", 0500)
        .file("./secret/key", 0400, "k".getBytes(StandardCharsets.UTF_8))
        .device("./dev/null", TarConstants.LF_CHR, 1, 3);
  }

  private static final UnpackPolicy SETUID_ALLOWED = UnpackPolicy.STRICT.withSetuid(true);

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void unpacksARootFilesystemWithModesLinksAndTimes(boolean gzip) throws IOException {
    Path root = workspace.resolve("root");
    byte[] archive = gzip ? rootfs().gzip() : rootfs().tar();

    UnpackResult result =
        new RootfsUnpacker(SETUID_ALLOWED).unpack(new ByteArrayInputStream(archive), root);

    assertThat(result).isInstanceOf(Unpacked.class);
    UnpackSummary summary = ((Unpacked) result).summary();
    assertThat(summary.entries()).isEqualTo(13);
    assertThat(summary.directories()).isEqualTo(7); // usr/ and usr/bin/ implied, dev/ implied
    assertThat(summary.files()).isEqualTo(4);
    assertThat(summary.symlinks()).isEqualTo(2);
    assertThat(summary.hardLinks()).isEqualTo(1);
    assertThat(summary.bytes()).isEqualTo(8 + 10 + 3 + 1);
    assertThat(summary.skippedDevices()).containsExactly("dev/null (c 1:3)");

    assertThat(mode(root)).isEqualTo(0755);
    assertThat(Files.readString(root.resolve("etc/hostname"))).isEqualTo("desktop\n");
    assertThat(mode(root.resolve("etc/hostname"))).isEqualTo(0644);
    assertThat(mode(root.resolve("usr/bin/tool"))).isEqualTo(0755);
    assertThat(mode(root.resolve("usr/bin/passwd"))).isEqualTo(04755);
    assertThat(mode(root.resolve("usr"))).isEqualTo(0755);
    assertThat(mode(root.resolve("tmp"))).isEqualTo(01777);
    assertThat(mode(root.resolve("root"))).isEqualTo(0700);
    assertThat(mode(root.resolve("secret"))).isEqualTo(0500);
    assertThat(mode(root.resolve("secret/key"))).isEqualTo(0400);
    assertThat(Files.readSymbolicLink(root.resolve("bin"))).isEqualTo(Path.of("usr/bin"));
    assertThat(Files.readSymbolicLink(root.resolve("etc/localtime")))
        .isEqualTo(Path.of("/usr/share/zoneinfo/UTC"));
    assertThat(Files.getAttribute(root.resolve("usr/bin/tool-again"), "unix:ino"))
        .isEqualTo(Files.getAttribute(root.resolve("usr/bin/tool"), "unix:ino"));
    assertThat(Files.getAttribute(root.resolve("usr/bin/tool"), "unix:nlink")).isEqualTo(2);
    assertThat(root.resolve("dev/null")).doesNotExist();
    assertThat(Files.getLastModifiedTime(root.resolve("etc/hostname")).toInstant())
        .isEqualTo(TarBuilder.MODIFIED);
    assertThat(Files.getLastModifiedTime(root.resolve("secret")).toInstant())
        .isEqualTo(TarBuilder.MODIFIED);
  }

  @Test
  void refusesASetuidFileUnlessThePolicyAllowsIt() throws IOException {
    UnpackResult result =
        new RootfsUnpacker(UnpackPolicy.STRICT)
            .unpack(new ByteArrayInputStream(rootfs().tar()), workspace.resolve("root"));

    assertThat(result).isInstanceOf(Refused.class);
    assertThat(((Refused) result).refusal().sentence())
        .isEqualTo(
            "entry './usr/bin/passwd' refused: mode 4755 sets setuid or setgid, which this policy"
                + " does not allow");
  }

  @Test
  void keepsEveryEntryOwnerOnlyUntilTheArchiveIsDone() throws IOException {
    Path root = workspace.resolve("root");
    byte[] archive =
        new TarBuilder()
            .directory("pub/", 0755)
            .file("pub/readme", 0644, new byte[1024])
            .file("later", 0644, new byte[512 << 10])
            .tar();
    Map<String, Integer> midway = new HashMap<>();
    InputStream watched =
        new AfterBytes(
            new ByteArrayInputStream(archive),
            256 << 10,
            () -> {
              midway.put("pub", mode(root.resolve("pub")));
              midway.put("pub/readme", mode(root.resolve("pub/readme")));
            });

    UnpackResult result = new RootfsUnpacker(UnpackPolicy.STRICT).unpack(watched, root);

    assertThat(result).isInstanceOf(Unpacked.class);
    assertThat(midway).containsEntry("pub", 0700).containsEntry("pub/readme", 0600);
    assertThat(mode(root.resolve("pub"))).isEqualTo(0755);
    assertThat(mode(root.resolve("pub/readme"))).isEqualTo(0644);
  }

  @Test
  void unpacksIntoAnEmptyDirectoryAndKeepsItWhenRefusing() throws IOException {
    Path root = Files.createDirectory(workspace.resolve("root"));

    UnpackResult result =
        new RootfsUnpacker(UnpackPolicy.STRICT)
            .unpack(
                new ByteArrayInputStream(
                    new TarBuilder().file("etc/hostname", "x").symlink("up", "..").tar()),
                root);

    assertThat(result).isInstanceOf(Refused.class);
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void refusesATargetThatIsNotAnEmptyDirectory() throws IOException {
    Path root = Files.createDirectory(workspace.resolve("root"));
    Files.writeString(root.resolve("already-here"), "x");
    Path link = Files.createSymbolicLink(workspace.resolve("link"), root);
    RootfsUnpacker unpacker = new RootfsUnpacker(UnpackPolicy.STRICT);
    byte[] archive = new TarBuilder().file("a", "x").tar();

    assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(archive), root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not empty");
    assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(archive), link))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("symbolic link");
    assertThat(Files.readString(root.resolve("already-here"))).isEqualTo("x");
  }

  @Test
  void escapesControlCharactersOfAHostileNameInTheSentence() throws IOException {
    UnpackResult result =
        new RootfsUnpacker(UnpackPolicy.STRICT)
            .unpack(
                new ByteArrayInputStream(new TarBuilder().file("../x\nFAKE LOG LINE", "x").tar()),
                workspace.resolve("root"));

    assertThat(((Refused) result).refusal().sentence())
        .startsWith("entry '../x\\x0aFAKE LOG LINE' refused: ")
        .doesNotContain("\n");
  }

  @Test
  void refusesLimitsThatDoNotNest() {
    assertThatThrownBy(() -> new UnpackLimits(10, 20, 5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must nest");
    assertThatThrownBy(() -> new UnpackLimits(10, 10, 10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  private static int mode(Path path) {
    try {
      return (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs a check once the reader has taken {@code threshold} bytes, i.e. midway through. */
  private static final class AfterBytes extends FilterInputStream {
    private final long threshold;
    private final Runnable check;
    private long read;
    private boolean checked;

    AfterBytes(InputStream in, long threshold, Runnable check) {
      super(in);
      this.threshold = threshold;
      this.check = check;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      read += Math.max(n, 0);
      if (!checked && read >= threshold) {
        checked = true;
        check.run();
      }
      return n;
    }
  }
}
