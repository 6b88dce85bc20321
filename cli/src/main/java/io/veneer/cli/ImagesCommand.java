package io.veneer.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veneer.client.images.api.ImagesApi;
import io.veneer.client.images.model.CreateImage;
import io.veneer.client.images.model.ImageView;
import io.veneer.client.images.model.ImportedOva;
import io.veneer.client.images.model.VersionView;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code veneer images ...}: golden images and their versions (admins). */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    description = "Golden images and their versions (admins).")
final class ImagesCommand {

  static final List<Output.Column<ImageView>> IMAGE_COLUMNS =
      List.of(
          new Output.Column<>("ID", ImageView::getId),
          new Output.Column<>("NAME", ImageView::getName),
          new Output.Column<>("OS", ImageView::getOs),
          new Output.Column<>("DESCRIPTION", ImageView::getDescription));

  static final List<Output.Column<VersionView>> VERSION_COLUMNS =
      List.of(
          new Output.Column<>("ID", VersionView::getId),
          new Output.Column<>("VERSION", VersionView::getNumber),
          new Output.Column<>("STATE", VersionView::getState),
          new Output.Column<>("DIGEST", VersionView::getDigest),
          new Output.Column<>("BYTES", VersionView::getBytesReceived),
          new Output.Column<>("REASON", VersionView::getRejectionReason));

  private static final Set<String> EXPORT_FORMATS =
      Set.of("vmdk", "vhdx", "vhd", "vdi", "hds", "raw", "qcow2", "ova");

  private static final ObjectMapper IMPORTED =
      new ObjectMapper()
          .findAndRegisterModules()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Spec CommandSpec spec;

  @Command(name = "list", description = "Images by name.")
  int list() {
    List<ImageView> images =
        ApiCalls.call("Listing images", () -> api().listImages(500, "")).getItems();
    Veneer.of(spec).output().many(images, IMAGE_COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(name = "create", description = "Creates an image (then upload its versions).")
  int create(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--os", required = true) String os,
      @Option(names = "--description", defaultValue = "") String description) {
    ImageView image =
        ApiCalls.call(
            "Creating image " + name,
            () -> api().createImage(new CreateImage().name(name).os(os).description(description)));
    Veneer.of(spec).output().one(image, IMAGE_COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(name = "versions", description = "An image's versions, newest first.")
  int versions(@Parameters(paramLabel = "IMAGE", description = "id or name") String image) {
    UUID id = find(image);
    Veneer.of(spec)
        .output()
        .many(
            ApiCalls.call("Listing versions of " + image, () -> api().listVersions(id)).getItems(),
            VERSION_COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(
      name = "upload",
      description = {
        "Uploads a file as a new version, in pieces, with a progress bar; a dropped connection",
        "is resumed where the service is. A run that gave up is continued with --resume VERSION."
      })
  int upload(
      @Parameters(paramLabel = "FILE") Path file,
      @Option(names = "--image", required = true, description = "id or name") String image,
      @Option(
              names = "--resume",
              paramLabel = "VERSION",
              description = "Continue this version's upload")
          UUID resume,
      @Option(names = "--expected-digest", description = "sha256:<hex> the file must have")
          String expectedDigest,
      @Option(
              names = "--kind",
              defaultValue = "disk",
              description = "disk (default), or rootfs for a root-filesystem tar")
          String kind,
      @Option(
              names = "--chunk-mib",
              defaultValue = "8",
              description = "Piece size in MiB (default 8)")
          int chunkMib,
      @Option(
              names = "--retries",
              defaultValue = "5",
              description = "Dropped connections in a row to resume (default 5)")
          int retries)
      throws IOException, InterruptedException {
    if (!Files.isReadable(file)) {
      throw new CliFailure(ExitCode.USAGE, "Cannot read " + file);
    }
    if (chunkMib < 1) {
      throw new CliFailure(ExitCode.USAGE, "--chunk-mib must be at least 1");
    }
    Veneer veneer = Veneer.of(spec);
    UUID imageId = find(image);
    UUID version =
        resume != null
            ? resume
            : ApiCalls.call(
                    "Beginning an upload to " + image, () -> api().beginUpload(imageId, kind))
                .getId();
    veneer.messages().println("Uploading " + file + " as version " + version + " of " + image);
    new ResumableUpload(veneer.session(), chunkMib * 1024 * 1024, retries)
        .send(
            imageId, version, file, new ProgressBar(veneer.messages(), "upload", Files.size(file)));
    VersionView verified =
        ApiCalls.call(
            "Verifying the upload", () -> api().completeUpload(imageId, version, expectedDigest));
    veneer.output().one(verified, VERSION_COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(name = "publish", description = "Pools may use the version from now on.")
  int publish(
      @Parameters(paramLabel = "IMAGE") String image,
      @Parameters(paramLabel = "VERSION") UUID version) {
    UUID id = find(image);
    return show(ApiCalls.call("Publishing " + version, () -> api().publishVersion(id, version)));
  }

  @Command(name = "deprecate", description = "No new pools on the version.")
  int deprecate(
      @Parameters(paramLabel = "IMAGE") String image,
      @Parameters(paramLabel = "VERSION") UUID version) {
    UUID id = find(image);
    return show(ApiCalls.call("Deprecating " + version, () -> api().deprecateVersion(id, version)));
  }

  @Command(
      name = "export",
      description = "Writes a version in another hypervisor's format, with progress.")
  int export(
      @Parameters(paramLabel = "IMAGE") String image,
      @Parameters(paramLabel = "VERSION") UUID version,
      @Option(
              names = "--format",
              required = true,
              description =
                  "vmdk, vhdx, vhd, vdi, hds (Parallels), raw or qcow2; or ova (an OVF package for VMware,"
                      + " VirtualBox or oVirt)")
          String format,
      @Option(
              names = {"-O", "--output-file"},
              required = true,
              paramLabel = "FILE")
          Path target)
      throws IOException, InterruptedException {
    if (!EXPORT_FORMATS.contains(format)) {
      throw new CliFailure(
          ExitCode.USAGE, "--format must be one of " + EXPORT_FORMATS + ", not " + format);
    }
    UUID id = find(image);
    Veneer veneer = Veneer.of(spec);
    veneer
        .messages()
        .println(
            "Converting version " + version + " to " + format + " (the service converts first)");
    HttpResponse<InputStream> answer =
        HttpClient.newHttpClient()
            .send(
                veneer
                    .session()
                    .imagesRequest(
                        "/api/v1/images/"
                            + id
                            + "/versions/"
                            + version
                            + "/export?format="
                            + format)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    if (answer.statusCode() != 200) {
      try (InputStream problem = answer.body()) {
        throw ApiCalls.failure(
            "Exporting " + version,
            answer.statusCode(),
            new String(problem.readAllBytes(), StandardCharsets.UTF_8),
            null);
      }
    }
    long total = answer.headers().firstValueAsLong("Content-Length").orElse(-1);
    ProgressBar progress = new ProgressBar(veneer.messages(), "export", total);
    try (InputStream in = answer.body();
        OutputStream out = Files.newOutputStream(target)) {
      byte[] buffer = new byte[1 << 16];
      long done = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        done += n;
        progress.update(done);
      }
    }
    progress.finish();
    veneer.messages().println("Wrote " + target);
    return ExitCode.OK.code();
  }

  @Command(
      name = "import-ova",
      description = {
        "Imports an OVA (VMware, VirtualBox, oVirt) as a new image with its hardware, with a",
        "progress bar; an OVA the service refuses is exit code 7 with the reason."
      })
  int importOva(
      @Parameters(paramLabel = "FILE") Path file,
      @Option(names = "--name", description = "The new image's name (default: the OVA's)")
          String name)
      throws IOException, InterruptedException {
    if (!Files.isReadable(file)) {
      throw new CliFailure(ExitCode.USAGE, "Cannot read " + file);
    }
    Veneer veneer = Veneer.of(spec);
    long size = Files.size(file);
    ProgressBar progress = new ProgressBar(veneer.messages(), "upload", size);
    HttpRequest.BodyPublisher body =
        HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> counted(file, progress)), size);
    String query = name == null ? "" : "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                veneer
                    .session()
                    .imagesRequest("/api/v1/images/ova" + query)
                    .header("Content-Type", "application/octet-stream")
                    .POST(body)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    progress.finish();
    if (answer.statusCode() != 201) {
      throw ApiCalls.failure("Importing " + file, answer.statusCode(), answer.body(), null);
    }
    ImportedOva imported = IMPORTED.readValue(answer.body(), ImportedOva.class);
    veneer
        .messages()
        .println(
            "Version " + imported.getVersion().getId() + " is " + imported.getVersion().getState());
    veneer.output().one(imported.getImage(), IMAGE_COLUMNS);
    return ExitCode.OK.code();
  }

  /** The file's bytes, counted on the progress bar as they are sent. */
  private static InputStream counted(Path file, ProgressBar progress) {
    try {
      return new FilterInputStream(Files.newInputStream(file)) {
        private long sent;

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = super.read(buffer, offset, length);
          if (n > 0) {
            sent += n;
            progress.update(sent);
          }
          return n;
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An image by id, else by name. */
  private UUID find(String image) {
    try {
      return UUID.fromString(image);
    } catch (IllegalArgumentException byName) {
      return ApiCalls.call("Listing images", () -> api().listImages(500, "")).getItems().stream()
          .filter(i -> i.getName().equals(image))
          .findFirst()
          .map(ImageView::getId)
          .orElseThrow(() -> new CliFailure(ExitCode.NOT_FOUND, "No image named " + image));
    }
  }

  private int show(VersionView version) {
    Veneer.of(spec).output().one(version, VERSION_COLUMNS);
    return ExitCode.OK.code();
  }

  private ImagesApi api() {
    return new ImagesApi(Veneer.of(spec).session().imagesClient());
  }
}
