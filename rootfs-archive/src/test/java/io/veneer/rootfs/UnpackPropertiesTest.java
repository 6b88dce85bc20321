package io.veneer.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random archives of directories, files, relative symlinks and hard links, named from an alphabet
 * that includes {@code ..} and the names of what lies beside the target: whatever the archive,
 * nothing beside the target changes, a refused archive leaves no target, and every link of an
 * unpacked one that the kernel can follow lands inside it.
 */
class UnpackPropertiesTest {

  enum Kind {
    DIRECTORY,
    FILE,
    SYMLINK,
    HARD_LINK
  }

  record Entry(Kind kind, String name, String link) {}

  @Property(tries = 300)
  void nothingEverLandsOutsideTheTarget(@ForAll("archives") List<Entry> entries)
      throws IOException {
    Path workspace = Files.createTempDirectory("rootfs-property");
    try {
      Path root = workspace.resolve("root");
      Path outside = Files.createDirectories(workspace.resolve("outside/a"));
      Path keep = Files.writeString(workspace.resolve("outside/keep"), "kept");

      UnpackResult result =
          new RootfsUnpacker(UnpackPolicy.STRICT)
              .unpack(new ByteArrayInputStream(archive(entries)), root);
      Statistics.collect(
          switch (result) {
            case UnpackResult.Unpacked u -> "unpacked";
            case UnpackResult.Refused r -> r.refusal().reason().name();
          });

      try (Stream<Path> beside = Files.list(workspace)) {
        assertThat(beside.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrderElementsOf(
                result instanceof UnpackResult.Unpacked
                    ? List.of("root", "outside")
                    : List.of("outside"));
      }
      try (Stream<Path> outsideNow = Files.walk(outside.getParent())) {
        assertThat(outsideNow).containsExactlyInAnyOrder(outside.getParent(), outside, keep);
      }
      assertThat(Files.readString(keep)).isEqualTo("kept");
      assertThat(Files.getAttribute(keep, "unix:nlink")).isEqualTo(1);
      if (result instanceof UnpackResult.Unpacked) {
        assertEveryLinkStaysInside(root.toRealPath());
      }
    } finally {
      deleteAll(workspace);
    }
  }

  @Provide
  Arbitrary<List<Entry>> archives() {
    // Names (and hard links' targets) rarely climb, which is refused at once; symlinks' often do.
    Arbitrary<String> namePart =
        Arbitraries.frequencyOf(
            Tuple.of(60, Arbitraries.of("a", "b", "outside", "keep", "root", ".")),
            Tuple.of(1, Arbitraries.just("..")));
    Arbitrary<String> linkPart = Arbitraries.of("a", "b", "outside", "keep", "root", "..", ".");
    Arbitrary<Entry> entry =
        Arbitraries.frequency(
                Tuple.of(3, Kind.DIRECTORY),
                Tuple.of(3, Kind.FILE),
                Tuple.of(4, Kind.SYMLINK),
                Tuple.of(1, Kind.HARD_LINK))
            .flatMap(
                kind ->
                    Combinators.combine(
                            path(namePart), path(kind == Kind.SYMLINK ? linkPart : namePart))
                        .as((name, link) -> new Entry(kind, name, link)));
    return entry.list().ofMinSize(1).ofMaxSize(8);
  }

  private static Arbitrary<String> path(Arbitrary<String> part) {
    return part.list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("/", parts));
  }

  private static byte[] archive(List<Entry> entries) {
    TarBuilder tar = new TarBuilder();
    for (Entry entry : entries) {
      switch (entry.kind()) {
        case DIRECTORY -> tar.directory(entry.name() + "/", 0755);
        case FILE -> tar.file(entry.name(), "x");
        case SYMLINK -> tar.symlink(entry.name(), entry.link());
        case HARD_LINK -> tar.hardLink(entry.name(), entry.link());
      }
    }
    return tar.tar();
  }

  /** Follows every link with the kernel (all targets here are relative, so the host agrees). */
  private static void assertEveryLinkStaysInside(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path link : paths.filter(Files::isSymbolicLink).toList()) {
        try {
          assertThat(link.toRealPath()).as(link.toString()).startsWith(root);
        } catch (FileSystemException dangling) {
          // dangling or a loop the kernel gives up on: it leads nowhere
        }
      }
    }
  }

  private static void deleteAll(Path directory) throws IOException {
    Files.walkFileTree(
        directory,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failure)
              throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
