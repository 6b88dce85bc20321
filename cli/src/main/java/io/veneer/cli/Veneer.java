package io.veneer.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code veneer}: the command line of Veneer's REST and gRPC APIs. Global options say where the
 * services are and which token to use; without them, what {@code login} saved.
 */
@Command(
    name = "veneer",
    mixinStandardHelpOptions = true,
    version = "veneer 0.1",
    description = "Operate Veneer: images, pools, desktops, hosts and the audit log.",
    subcommands = {
      LoginCommand.class,
      ImagesCommand.class,
      PoolsCommand.class,
      DesktopsCommand.class,
      HostsCommand.class,
      AuditCommand.class,
      AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n")
public final class Veneer {

  @Option(
      names = "--control-plane",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "The control plane's REST URL (default: login's, else http://127.0.0.1:8080)")
  String controlPlane;

  @Option(
      names = "--images",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "The golden image service's URL (default: login's, else http://127.0.0.1:8081)")
  String images;

  @Option(
      names = "--grpc",
      scope = ScopeType.INHERIT,
      paramLabel = "HOST:PORT",
      description = "The public gRPC API (default: login's, else 127.0.0.1:9092)")
  String grpc;

  @Option(
      names = "--grpc-ca",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      defaultValue = "${env:VENEER_GRPC_CA}",
      description =
          "PEM CA certificates that verify the gRPC API's TLS certificate (env VENEER_GRPC_CA;"
              + " default: login's, else the JVM's trust store)")
  String grpcCa;

  @Option(
      names = "--grpc-plaintext",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:VENEER_GRPC_PLAINTEXT:-false}",
      description =
          "Dial the gRPC API without TLS, for a development server that serves plaintext"
              + " (env VENEER_GRPC_PLAINTEXT)")
  boolean grpcPlaintext;

  @Option(
      names = "--token",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:VENEER_TOKEN}",
      description = "An access token to use instead of login's (env VENEER_TOKEN)")
  String token;

  @Option(
      names = "--config-dir",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:VENEER_CONFIG_DIR}",
      description = "Where login keeps its tokens (env VENEER_CONFIG_DIR; ~/.config/veneer)")
  String configDir;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      defaultValue = "table",
      paramLabel = "table|json|yaml",
      converter = FormatConverter.class,
      description = "table for people (default); json or yaml for scripts")
  Output.Format format;

  private PrintStream out = System.out;
  private PrintStream err = System.err;

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs one command line; answers its exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    Veneer veneer = new Veneer();
    veneer.out = out;
    veneer.err = err;
    CommandLine line = new CommandLine(veneer);
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    line.setCaseInsensitiveEnumValuesAllowed(true);
    Map<String, String> exitCodes = new LinkedHashMap<>();
    for (ExitCode code : ExitCode.values()) {
      exitCodes.put(Integer.toString(code.code()), code.meaning());
    }
    line.getCommandSpec().usageMessage().exitCodeList(exitCodes);
    line.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (e instanceof CliFailure failure) {
            err.println(failure.getMessage());
            return failure.exitCode().code();
          }
          err.println("Unexpected failure: " + e);
          return ExitCode.FAILED.code();
        });
    return line.execute(args);
  }

  /** The root of the command a method-subcommand runs in. */
  static Veneer of(CommandLine.Model.CommandSpec spec) {
    return (Veneer) spec.root().userObject();
  }

  Output output() {
    return new Output(out, format);
  }

  /** Progress and messages for people: standard error, so that output stays parseable. */
  PrintStream messages() {
    return err;
  }

  Credentials.Store store() {
    return new Credentials.Store(Credentials.file(configDir));
  }

  /** Where the services are and who calls, from the options, else from login. */
  Session session() {
    Credentials saved = store().read().orElse(null);
    return new Session(
        URI.create(
            firstOf(
                controlPlane,
                saved == null ? null : saved.controlPlane(),
                "http://127.0.0.1:8080")),
        URI.create(firstOf(images, saved == null ? null : saved.images(), "http://127.0.0.1:8081")),
        firstOf(grpc, saved == null ? null : saved.grpc(), "127.0.0.1:9092"),
        grpcCaFile(saved),
        grpcPlaintext,
        () -> token != null && !token.isBlank() ? token : accessToken(saved));
  }

  private String accessToken(Credentials saved) {
    if (saved == null) {
      throw new CliFailure(
          ExitCode.NOT_LOGGED_IN,
          "Not logged in.\n  What to do: " + ExitCode.NOT_LOGGED_IN.meaning());
    }
    if (saved.expiresAt().isAfter(Instant.now().plusSeconds(30))) {
      return saved.accessToken();
    }
    if (saved.refreshToken() == null) {
      throw new CliFailure(
          ExitCode.NOT_LOGGED_IN, "The login expired.\n  What to do: run ./veneer login");
    }
    Credentials refreshed =
        saved.withTokens(
            new Oidc().refresh(saved.tokenEndpoint(), saved.clientId(), saved.refreshToken()));
    store().write(refreshed);
    return refreshed.accessToken();
  }

  /** The CA given now, else (unless plaintext is asked for) the one login was given. */
  private Path grpcCaFile(Credentials saved) {
    String file =
        grpcCa != null && !grpcCa.isBlank()
            ? grpcCa
            : saved == null || grpcPlaintext ? null : saved.grpcCa();
    return file == null || file.isBlank() ? null : Path.of(file);
  }

  private static String firstOf(String... candidates) {
    for (String candidate : candidates) {
      if (candidate != null && !candidate.isBlank()) {
        return candidate;
      }
    }
    throw new IllegalStateException("No default");
  }

  /** {@code -o} in any case. */
  static final class FormatConverter implements CommandLine.ITypeConverter<Output.Format> {
    @Override
    public Output.Format convert(String value) {
      try {
        return Output.Format.valueOf(value.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not an output format: use table, json or yaml");
      }
    }
  }
}
