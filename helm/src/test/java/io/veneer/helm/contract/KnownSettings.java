package io.veneer.helm.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every setting one service's jar knows, read from the jar itself: the placeholders of its
 * application.yaml ({@code ${VENEER_DB_URL:...}}), its own {@code @ConfigurationProperties} records
 * and {@code ${veneer...}} placeholders in its classes (Veneer's modules have no configuration
 * metadata), and Spring Boot's configuration metadata of every library it carries. An environment
 * variable the chart renders must name one of them, the way Spring Boot maps names (upper case,
 * dots to underscores, dashes dropped or turned into underscores), or be read by the JVM itself.
 */
final class KnownSettings {

  /** Read by the java launcher, not by Spring. */
  static final Set<String> JVM_VARIABLES = Set.of("JDK_JAVA_OPTIONS");

  private static final String ANNOTATION =
      "Lorg/springframework/boot/context/properties/ConfigurationProperties;";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)[:}]");
  private static final Pattern VENEER_PLACEHOLDER = Pattern.compile("\\$\\{(veneer\\.[a-z0-9.-]+)");

  private final Set<String> placeholders = new HashSet<>();
  private final Set<String> properties = new HashSet<>();
  private final Set<String> mapProperties = new HashSet<>();

  private KnownSettings() {}

  static KnownSettings of(ServiceJar jar) {
    KnownSettings known = new KnownSettings();
    Map<String, byte[]> veneerClasses = new HashMap<>();
    try (ZipFile zip = new ZipFile(jar.path().toFile())) {
      for (ZipEntry entry : zip.stream().toList()) {
        String name = entry.getName();
        if (name.matches("BOOT-INF/classes/application[^/]*\\.(yaml|yml|properties)")) {
          known.placeholders(
              new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8));
        } else if (name.startsWith("BOOT-INF/classes/io/veneer/") && name.endsWith(".class")) {
          veneerClasses.put(
              className(name.substring("BOOT-INF/classes/".length())),
              zip.getInputStream(entry).readAllBytes());
        } else if (name.startsWith("BOOT-INF/lib/") && name.endsWith(".jar")) {
          known.library(zip.getInputStream(entry), veneerClasses);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + jar.path(), e);
    }
    known.veneerProperties(veneerClasses);
    return known;
  }

  /** Whether the service reads this environment variable; why not, otherwise. */
  boolean knows(String variable) {
    if (JVM_VARIABLES.contains(variable) || placeholders.contains(variable)) {
      return true;
    }
    for (String property : properties) {
      if (environmentForms(property).contains(variable)) {
        return true;
      }
    }
    for (String property : mapProperties) {
      for (String form : environmentForms(property)) {
        if (variable.startsWith(form + "_")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The two names Spring Boot looks a property up by in the environment. */
  static Set<String> environmentForms(String property) {
    String upper = property.toUpperCase(Locale.ROOT).replace('.', '_');
    return Set.copyOf(List.of(upper.replace("-", ""), upper.replace('-', '_')));
  }

  Set<String> veneerProperties() {
    return properties.stream()
        .filter(p -> p.startsWith("veneer."))
        .collect(java.util.stream.Collectors.toSet());
  }

  private void placeholders(String configuration) {
    Matcher matcher = PLACEHOLDER.matcher(configuration);
    while (matcher.find()) {
      placeholders.add(matcher.group(1));
    }
  }

  private void library(InputStream nestedJar, Map<String, byte[]> veneerClasses)
      throws IOException {
    ZipInputStream jar = new ZipInputStream(nestedJar);
    for (ZipEntry entry; (entry = jar.getNextEntry()) != null; ) {
      if (entry.getName().equals("META-INF/spring-configuration-metadata.json")) {
        metadata(new ObjectMapper().readTree(jar.readAllBytes()));
      } else if (entry.getName().startsWith("io/veneer/") && entry.getName().endsWith(".class")) {
        veneerClasses.put(className(entry.getName()), jar.readAllBytes());
      }
    }
  }

  private void metadata(JsonNode metadata) {
    for (JsonNode property : metadata.path("properties")) {
      String name = property.path("name").asText();
      properties.add(name);
      if (property.path("type").asText().startsWith("java.util.Map")) {
        mapProperties.add(name);
      }
    }
  }

  /** The service's own records, loaded from the jar's bytes to read their prefix and fields. */
  private void veneerProperties(Map<String, byte[]> classes) {
    ClassLoader loader = new BytesClassLoader(classes, KnownSettings.class.getClassLoader());
    for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
      String bytes = new String(entry.getValue(), StandardCharsets.ISO_8859_1);
      Matcher placeholder = VENEER_PLACEHOLDER.matcher(bytes);
      while (placeholder.find()) {
        properties.add(placeholder.group(1));
      }
      if (!bytes.contains(ANNOTATION)) {
        continue;
      }
      Class<?> type;
      try {
        type = Class.forName(entry.getKey(), false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalStateException("Cannot load " + entry.getKey() + " from the jar", e);
      }
      ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
      if (annotation != null && type.isRecord()) {
        String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
        record(prefix, type);
      }
    }
  }

  private void record(String prefix, Class<?> type) {
    for (RecordComponent component : type.getRecordComponents()) {
      String name = prefix + "." + kebab(component.getName());
      if (component.getType().isRecord()) {
        record(name, component.getType());
      } else {
        properties.add(name);
        if (Map.class.isAssignableFrom(component.getType())) {
          mapProperties.add(name);
        }
      }
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static String className(String path) {
    return path.substring(0, path.length() - ".class".length()).replace('/', '.');
  }

  /**
   * Defines the jar's classes from their bytes; everything else comes from the test's class path.
   */
  private static final class BytesClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    BytesClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
      super(parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, new ByteArrayInputStream(bytes).readAllBytes(), 0, bytes.length);
    }
  }
}
