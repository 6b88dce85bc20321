package io.veneer.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.veneer.client.controlplane.api.PoolsApi;
import io.veneer.client.controlplane.model.PoolRollout;
import io.veneer.client.controlplane.model.PoolSpec;
import io.veneer.client.controlplane.model.PoolView;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code veneer pools ...}: pools of desktops (changing them is for admins). */
@Command(name = "pools", mixinStandardHelpOptions = true, description = "Pools of desktops.")
final class PoolsCommand {

  static final List<Output.Column<PoolView>> COLUMNS =
      List.of(
          new Output.Column<>("ID", PoolView::getId),
          new Output.Column<>("NAME", p -> p.getSpec().getName()),
          new Output.Column<>("KIND", p -> p.getSpec().getKind()),
          new Output.Column<>(
              "GOLDEN", p -> p.getSpec().getGoldenImage() + " " + p.getSpec().getGoldenVersion()),
          new Output.Column<>(
              "SIZE", p -> p.getSpec().getMinSize() + ".." + p.getSpec().getMaxSize()),
          new Output.Column<>("STATE", PoolView::getState));

  /** A pool file is the API's PoolSpec in YAML (or JSON); unknown fields are refused. */
  private static final ObjectMapper POOL_FILE =
      YAMLMapper.builder()
          .findAndAddModules()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  @Spec CommandSpec spec;

  @Command(name = "list", description = "The pools you may use (admins: all).")
  int list() {
    List<PoolView> pools =
        ApiCalls.call("Listing pools", () -> api().listPools(null, 500)).getItems();
    Veneer.of(spec).output().many(pools, COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(name = "show", description = "One pool, by id or name.")
  int show(@Parameters(paramLabel = "POOL") String pool) {
    Veneer.of(spec).output().one(find(pool), COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(name = "create", description = "Creates a pool from a YAML file of its spec (admins).")
  int create(
      @Option(
              names = {"-f", "--file"},
              required = true,
              paramLabel = "pool.yaml")
          Path file) {
    PoolSpec pool = read(file);
    PoolView created =
        ApiCalls.call(
            "Creating pool " + pool.getName(),
            () -> api().createPool(pool, UUID.randomUUID().toString()));
    Veneer.of(spec).output().one(created, COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(
      name = "delete",
      description = "Deletes a pool with its desktops (admins); --wait until it is gone.")
  int delete(
      @Parameters(paramLabel = "POOL") String pool,
      @Option(names = "--wait", description = "Return once the pool and its desktops are gone")
          boolean await)
      throws InterruptedException {
    UUID id = find(pool).getId();
    PoolView deleting = ApiCalls.call("Deleting pool " + pool, () -> api().deletePool(id));
    while (await && deleting.getState() != PoolView.StateEnum.DELETED) {
      Thread.sleep(Duration.ofSeconds(1));
      try {
        deleting = api().getPool(id);
      } catch (io.veneer.client.controlplane.ApiException e) {
        if (e.getCode() == 404) {
          break;
        }
        throw ApiCalls.failure("Reading pool " + pool, e.getCode(), e.getResponseBody(), e);
      }
    }
    Veneer.of(spec).output().one(deleting, COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(
      name = "roll",
      description = "Rolls a pool to another golden version and follows the roll until it is done.")
  int roll(
      @Parameters(paramLabel = "POOL") String pool,
      @Option(names = "--to", required = true, paramLabel = "VERSION") String version,
      @Option(names = "--no-follow", description = "Return once the roll is asked for")
          boolean noFollow)
      throws InterruptedException {
    PoolView current = find(pool);
    PoolSpec rolled = current.getSpec().goldenVersion(version).goldenDigest(null);
    UUID id = current.getId();
    ApiCalls.call("Rolling pool " + pool + " to " + version, () -> api().updatePool(id, rolled));
    Veneer veneer = Veneer.of(spec);
    while (!noFollow) {
      PoolView now = ApiCalls.call("Reading pool " + pool, () -> api().getPool(id));
      PoolRollout rollout = now.getRollout();
      if (rollout == null) {
        break;
      }
      veneer
          .messages()
          .printf(
              "%s: %d of %d desktops on %s, %d refreshing, %d waiting for logoff, %d queued%n",
              now.getSpec().getName(),
              rollout.getCurrent(),
              rollout.getDesktops(),
              version,
              rollout.getRefreshing(),
              rollout.getWaitingForLogoff(),
              rollout.getQueued());
      if (Objects.equals(rollout.getCurrent(), rollout.getDesktops())) {
        break;
      }
      Thread.sleep(Duration.ofSeconds(2));
    }
    veneer.output().one(ApiCalls.call("Reading pool " + pool, () -> api().getPool(id)), COLUMNS);
    return ExitCode.OK.code();
  }

  /** A pool by id, else by name among those the caller may see. */
  PoolView find(String pool) {
    try {
      UUID id = UUID.fromString(pool);
      return ApiCalls.call("Reading pool " + pool, () -> api().getPool(id));
    } catch (IllegalArgumentException byName) {
      return ApiCalls.call("Listing pools", () -> api().listPools(null, 500)).getItems().stream()
          .filter(p -> p.getSpec().getName().equals(pool))
          .findFirst()
          .orElseThrow(
              () ->
                  new CliFailure(
                      ExitCode.NOT_FOUND, "No pool named " + pool + " that you may see"));
    }
  }

  private static PoolSpec read(Path file) {
    try {
      return POOL_FILE.readValue(file.toFile(), PoolSpec.class);
    } catch (IOException e) {
      throw new CliFailure(
          ExitCode.USAGE, "Cannot read the pool from " + file + ": " + e.getMessage());
    }
  }

  private PoolsApi api() {
    return new PoolsApi(Veneer.of(spec).session().controlPlaneClient());
  }
}
