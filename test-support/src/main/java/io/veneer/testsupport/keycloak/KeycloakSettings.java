package io.veneer.testsupport.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * How TestKeycloak obtains its server. Each setting is a system property, or else the environment
 * variable named beside it; the defaults come from the Maven build of test-support.
 *
 * @param version the Keycloak version to run (root pom {@code keycloak.version})
 * @param url an existing Keycloak to use instead of starting one ({@code veneer.keycloak.url} /
 *     {@code VENEER_KEYCLOAK_URL})
 * @param admin the master-realm administrator of that existing Keycloak ({@code
 *     veneer.keycloak.admin-username}, {@code veneer.keycloak.admin-password} / {@code
 *     VENEER_KEYCLOAK_ADMIN_USERNAME}, {@code VENEER_KEYCLOAK_ADMIN_PASSWORD}; default admin/admin)
 * @param distribution the server distribution: a zip, or a directory it was unpacked into ({@code
 *     veneer.keycloak.dist} / {@code VENEER_KEYCLOAK_DIST}); default: the zip in the local Maven
 *     repository
 * @param cacheDir where the zip is unpacked once ({@code veneer.keycloak.cache} / {@code
 *     VENEER_KEYCLOAK_CACHE}; default {@code ~/.cache/veneer})
 * @param javaHome a JDK 21+ to run the server on ({@code veneer.keycloak.java-home} / {@code
 *     VENEER_KEYCLOAK_JAVA_HOME}); default: this JVM when it is 21+, else the newest under
 *     /usr/lib/jvm
 * @param startTimeout how long the server may take to become ready ({@code
 *     veneer.keycloak.start-timeout-seconds}; default 180)
 */
public record KeycloakSettings(
    String version,
    Optional<URI> url,
    AdminCredentials admin,
    Path distribution,
    Path cacheDir,
    Optional<Path> javaHome,
    Duration startTimeout) {

  public static KeycloakSettings load() {
    Properties built = builtProperties();
    String version = built.getProperty("version");
    Path distribution =
        setting("veneer.keycloak.dist", "VENEER_KEYCLOAK_DIST")
            .map(Path::of)
            .orElseGet(() -> zipInLocalRepository(built.getProperty("localRepository"), version));
    return new KeycloakSettings(
        version,
        setting("veneer.keycloak.url", "VENEER_KEYCLOAK_URL").map(URI::create),
        new AdminCredentials(
            setting("veneer.keycloak.admin-username", "VENEER_KEYCLOAK_ADMIN_USERNAME")
                .orElse(AdminCredentials.BOOTSTRAP.username()),
            setting("veneer.keycloak.admin-password", "VENEER_KEYCLOAK_ADMIN_PASSWORD")
                .orElse(AdminCredentials.BOOTSTRAP.password())),
        distribution,
        setting("veneer.keycloak.cache", "VENEER_KEYCLOAK_CACHE")
            .map(Path::of)
            .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "veneer")),
        setting("veneer.keycloak.java-home", "VENEER_KEYCLOAK_JAVA_HOME").map(Path::of),
        Duration.ofSeconds(
            Long.parseLong(
                setting("veneer.keycloak.start-timeout-seconds", "VENEER_KEYCLOAK_START_TIMEOUT")
                    .orElse("180"))));
  }

  private static Optional<String> setting(String property, String environmentVariable) {
    return Optional.ofNullable(System.getProperty(property))
        .or(() -> Optional.ofNullable(System.getenv(environmentVariable)))
        .filter(value -> !value.isBlank());
  }

  private static Properties builtProperties() {
    Properties properties = new Properties();
    try (InputStream in = KeycloakSettings.class.getResourceAsStream("keycloak.properties")) {
      if (in == null) {
        throw new IllegalStateException("keycloak.properties is missing from test-support");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  /**
   * Where Maven put the zip: the module using TestKeycloak declares it as a test dependency, so
   * {@code mvn verify} downloads it into the same local repository that built test-support.
   */
  private static Path zipInLocalRepository(String localRepository, String version) {
    return Path.of(
        localRepository,
        "org",
        "keycloak",
        "keycloak-quarkus-dist",
        version,
        "keycloak-quarkus-dist-" + version + ".zip");
  }
}
