package io.veneer.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.rootfs.Refusal.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per kind of hostile archive: each is refused with its reason, naming the entry, and
 * leaves nothing behind, neither in the target nor beside it.
 */
class HostileArchiveTest {

  /** Small enough that a bomb row stays cheap; large enough for every other row. */
  private static final UnpackLimits SMALL = new UnpackLimits(64 << 10, 48 << 10, 16 << 10, 50);

  private static final UnpackPolicy STRICT_SMALL = UnpackPolicy.STRICT.withLimits(SMALL);

  record Hostile(String kind, byte[] archive, UnpackPolicy policy, Reason reason, String entry) {
    Hostile(String kind, byte[] archive, Reason reason, String entry) {
      this(kind, archive, STRICT_SMALL, reason, entry);
    }

    @Override
    public String toString() {
      return kind;
    }
  }

  static Stream<Hostile> archives() {
    return Stream.of(
        new Hostile(
            "absolute path",
            new TarBuilder().file("/etc/cron.d/evil", "* * * * * root sh\n").tar(),
            Reason.ABSOLUTE_PATH,
            "/etc/cron.d/evil"),
        new Hostile(
            "path climbing out with ..",
            new TarBuilder().file("../outside/planted", "x").tar(),
            Reason.PARENT_TRAVERSAL,
            "../outside/planted"),
        new Hostile(
            ".. hidden mid-path",
            new TarBuilder().directory("usr/", 0755).file("usr/../../outside/planted", "x").tar(),
            Reason.PARENT_TRAVERSAL,
            "usr/../../outside/planted"),
        new Hostile(
            "symlink climbing above the root",
            new TarBuilder().symlink("escape", "../outside").tar(),
            Reason.SYMLINK_ESCAPES,
            "escape"),
        new Hostile(
            "file written through an earlier symlink to the host's /",
            new TarBuilder().symlink("host", "/").file("host/outside/planted", "x").tar(),
            Reason.THROUGH_SYMLINK,
            "host/outside/planted"),
        new Hostile(
            "file written through an earlier symlink to the parent of the root",
            new TarBuilder().symlink("a/up", "..").file("a/up/planted", "x").tar(),
            Reason.THROUGH_SYMLINK,
            "a/up/planted"),
        new Hostile(
            "symlink that escapes through a symlink made after it",
            new TarBuilder().symlink("escape", "a/up/..").symlink("a/up", "..").tar(),
            Reason.SYMLINK_ESCAPES,
            "escape"),
        new Hostile(
            "symlink loop",
            new TarBuilder().symlink("loop", "loop").tar(),
            Reason.SYMLINK_ESCAPES,
            "loop"),
        new Hostile(
            "hard link to an absolute host file",
            new TarBuilder().hardLink("shadow", "/etc/shadow").tar(),
            Reason.HARD_LINK_ESCAPES,
            "shadow"),
        new Hostile(
            "hard link climbing out with ..",
            new TarBuilder().hardLink("planted", "../outside/keep").tar(),
            Reason.HARD_LINK_ESCAPES,
            "planted"),
        new Hostile(
            "hard link through an earlier symlink",
            new TarBuilder().symlink("host", "/").hardLink("shadow", "host/etc/shadow").tar(),
            Reason.HARD_LINK_ESCAPES,
            "shadow"),
        new Hostile(
            "block device (a host disk)",
            new TarBuilder().device("dev/sda", TarConstants.LF_BLK, 8, 0).tar(),
            Reason.DEVICE_NODE,
            "dev/sda"),
        new Hostile(
            "character device outside the allow-list (/dev/mem)",
            new TarBuilder().device("dev/mem", TarConstants.LF_CHR, 1, 1).tar(),
            Reason.DEVICE_NODE,
            "dev/mem"),
        new Hostile(
            "setuid file",
            new TarBuilder().file("usr/bin/rootshell", 04755, new byte[] {1}).tar(),
            Reason.SETUID,
            "usr/bin/rootshell"),
        new Hostile(
            "setgid file",
            new TarBuilder().file("usr/bin/shadowreader", 02755, new byte[] {1}).tar(),
            Reason.SETUID,
            "usr/bin/shadowreader"),
        new Hostile(
            "FIFO",
            new TarBuilder().fifo("run/initctl").tar(),
            Reason.UNSUPPORTED_TYPE,
            "run/initctl"),
        new Hostile(
            "second entry replacing a file with a symlink",
            new TarBuilder().file("etc/passwd", "root\n").symlink("etc/passwd", "/").tar(),
            Reason.DUPLICATE_ENTRY,
            "etc/passwd"),
        new Hostile(
            "entry under a file",
            new TarBuilder().file("etc", "x").file("etc/passwd", "root\n").tar(),
            Reason.PARENT_NOT_A_DIRECTORY,
            "etc/passwd"),
        new Hostile(
            "tar bomb: too many entries",
            manyDirectories(SMALL.maxEntries() + 1),
            new UnpackPolicy(
                new UnpackLimits(1 << 20, 1 << 20, 1 << 20, 50), false, DeviceNode.STANDARD),
            Reason.TOO_MANY_ENTRIES,
            "d50/"),
        new Hostile(
            "tar bomb: one entry over the entry limit",
            new TarBuilder().file("big", 0644, new byte[(16 << 10) + 1]).tar(),
            Reason.ENTRY_TOO_LARGE,
            "big"),
        new Hostile(
            "tar bomb: entries together over the total limit",
            new TarBuilder()
                .file("a", 0644, new byte[16 << 10])
                .file("b", 0644, new byte[16 << 10])
                .file("c", 0644, new byte[16 << 10])
                .file("d", 0644, new byte[1])
                .tar(),
            Reason.TOTAL_TOO_LARGE,
            "d"),
        new Hostile(
            "tar bomb: headers alone over the archive limit",
            manyDirectories(SMALL.maxEntries() - 1),
            STRICT_SMALL.withLimits(new UnpackLimits(16 << 10, 16 << 10, 16 << 10, 50)),
            Reason.ARCHIVE_TOO_LARGE,
            "d31/"), // 32 headers fill the 16 KiB; reading the 33rd crosses it
        new Hostile(
            "gzip bomb: 16 MiB of zeros in 16 KiB",
            new TarBuilder().file("zeros", 0644, new byte[16 << 20]).gzip(),
            Reason.ENTRY_TOO_LARGE,
            "zeros"),
        new Hostile(
            "header bomb: a 2 MiB PAX path (a tar reader holds it in memory whole)",
            new TarBuilder()
                .file("ok", "x")
                .withData("PaxHeaders/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, paxPath(2 << 20))
                .file("x", "x")
                .gzip(),
            UnpackPolicy.STRICT,
            Reason.HEADER_TOO_LARGE,
            "ok"),
        new Hostile(
            "header bomb: a 2 MiB GNU long name",
            new TarBuilder()
                .withData("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME, new byte[2 << 20])
                .file("x", "x")
                .gzip(),
            UnpackPolicy.STRICT,
            Reason.HEADER_TOO_LARGE,
            ""),
        new Hostile(
            "path longer than PATH_MAX",
            new TarBuilder().file("a/".repeat(3000) + "x", "x").tar(),
            UnpackPolicy.STRICT,
            Reason.MALFORMED_NAME,
            "a/".repeat(3000) + "x"),
        new Hostile(
            "symlink target longer than PATH_MAX",
            new TarBuilder().symlink("long", "a/".repeat(3000)).tar(),
            UnpackPolicy.STRICT,
            Reason.MALFORMED_NAME,
            "long"),
        new Hostile(
            "symbolic link entry carrying data",
            new TarBuilder().withData("etc/link", TarConstants.LF_SYMLINK, new byte[1024]).tar(),
            Reason.MALFORMED_ARCHIVE,
            "etc/link"),
        new Hostile(
            "not a tar at all",
            "this is not a tar archive, just text long enough to fill a header block. "
                .repeat(10)
                .getBytes(StandardCharsets.UTF_8),
            Reason.MALFORMED_ARCHIVE,
            ""),
        new Hostile(
            "truncated in the middle of a file",
            truncated(new TarBuilder().file("etc/hostname", 0644, new byte[4096]).tar(), 2048),
            Reason.MALFORMED_ARCHIVE,
            "etc/hostname"));
  }

  private static byte[] manyDirectories(int count) {
    TarBuilder builder = new TarBuilder();
    for (int i = 0; i < count; i++) {
      builder.directory("d" + i + "/", 0755);
    }
    return builder.tar();
  }

  /** One PAX record {@code "<length> path=aaa...\n"}, its length counting itself. */
  private static byte[] paxPath(int nameLength) {
    String rest = " path=" + "a".repeat(nameLength) + "\n";
    int length = rest.length() + String.valueOf(rest.length()).length();
    length = rest.length() + String.valueOf(length).length();
    return (length + rest).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] truncated(byte[] archive, int length) {
    return Arrays.copyOf(archive, length);
  }

  @TempDir Path workspace;
  private Path target;
  private Path outside;

  @BeforeEach
  void placeAFileBesideTheTarget() throws IOException {
    target = workspace.resolve("root");
    outside = Files.createDirectory(workspace.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "kept");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("archives")
  void refusesWithTheReasonAndLeavesNothingBehind(Hostile hostile) throws IOException {
    UnpackResult result =
        new RootfsUnpacker(hostile.policy())
            .unpack(new ByteArrayInputStream(hostile.archive()), target);

    assertThat(result).isInstanceOf(UnpackResult.Refused.class);
    Refusal refusal = ((UnpackResult.Refused) result).refusal();
    assertThat(refusal.reason()).as(refusal.sentence()).isEqualTo(hostile.reason());
    assertThat(refusal.entry()).isEqualTo(hostile.entry());
    assertThat(refusal.sentence()).isNotBlank();
    assertThat(target).doesNotExist();
    assertThat(everythingUnder(workspace))
        .containsExactlyInAnyOrder(workspace.resolve("outside"), outside.resolve("keep"));
    assertThat(Files.readString(outside.resolve("keep"))).isEqualTo("kept");
  }

  private static List<Path> everythingUnder(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      return paths.filter(path -> !path.equals(directory)).toList();
    }
  }
}
