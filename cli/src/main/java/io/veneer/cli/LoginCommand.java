package io.veneer.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Logs in with OIDC and keeps the tokens (refreshed when they expire) for the next commands: the
 * device authorization grant for people, the password grant only against the local stack.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Logs in and keeps the tokens (owner-only file) for the next commands.",
      "Without --username: the device authorization grant (open the printed address, enter the"
          + " code). With --username: the password grant, only against an issuer on loopback"
          + " (the local stack)."
    })
final class LoginCommand implements Callable<Integer> {

  @ParentCommand Veneer veneer;

  @Option(
      names = "--issuer",
      required = true,
      defaultValue = "${env:VENEER_OIDC_ISSUER:-http://127.0.0.1:8180/realms/veneer}",
      description = "The OIDC issuer (default: the local stack's realm, env VENEER_OIDC_ISSUER)")
  String issuer;

  @Option(names = "--client-id", defaultValue = "veneer-cli", description = "Default: veneer-cli")
  String clientId;

  @Option(names = "--username", description = "Password grant as this user (local stack only)")
  String username;

  @Option(
      names = "--password-stdin",
      description = "Read the password from standard input instead of asking")
  boolean passwordStdin;

  @Override
  public Integer call() throws Exception {
    if (username != null) {
      requireLoopback(issuer);
    }
    Oidc oidc = new Oidc();
    Oidc.Endpoints endpoints = oidc.discover(issuer);
    TokenResponse tokens;
    if (username != null) {
      requireLoopback(endpoints.token());
      tokens = oidc.password(endpoints.token(), clientId, username, password());
    } else {
      tokens = oidc.device(endpoints, clientId, veneer.messages());
    }
    Session where = veneer.session();
    veneer
        .store()
        .write(
            new Credentials(
                    where.controlPlane().toString(),
                    where.images().toString(),
                    where.grpc(),
                    where.grpcCa() == null ? null : where.grpcCa().toString(),
                    endpoints.token(),
                    clientId,
                    null,
                    null,
                    tokens.expiresAt())
                .withTokens(tokens));
    veneer.messages().println("Logged in; tokens kept in " + veneer.store().file());
    return ExitCode.OK.code();
  }

  private String password() throws IOException {
    if (passwordStdin) {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
    }
    if (System.console() == null) {
      throw new CliFailure(
          ExitCode.USAGE, "No terminal to ask the password on: pass it with --password-stdin");
    }
    return new String(System.console().readPassword("Password for %s: ", username));
  }

  /** The password grant hands a password to the CLI: acceptable for the local demo realm only. */
  private static void requireLoopback(String address) {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(URI.create(address).getHost()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new CliFailure(
          ExitCode.USAGE,
          "The password grant is only for the local stack, and "
              + address
              + " is not on this machine: log in without --username (device login)");
    }
  }
}
