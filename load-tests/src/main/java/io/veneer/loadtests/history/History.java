package io.veneer.loadtests.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A run's history as JSON lines, one {@link Fact} a line, its kind in {@code fact} (the record's
 * simple name): written by every client, agent and reader of the run at once, read back whole by
 * the checker.
 */
public final class History implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Map<String, Class<?>> KINDS =
      Arrays.stream(Fact.class.getPermittedSubclasses())
          .collect(Collectors.toMap(Class::getSimpleName, Function.identity()));

  private final Path file;
  private final BufferedWriter out;

  private History(Path file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  /** A new history in {@code file}, replacing one there. */
  public static History create(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return new History(file, Files.newBufferedWriter(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create the history " + file, e);
    }
  }

  public Path file() {
    return file;
  }

  public void record(Fact fact) {
    ObjectNode line = JSON.createObjectNode().put("fact", fact.getClass().getSimpleName());
    line.setAll((ObjectNode) JSON.valueToTree(fact));
    String text = JSON.writeValueAsString(line);
    synchronized (out) {
      try {
        out.write(text);
        out.newLine();
      } catch (IOException e) {
        throw new UncheckedIOException("Could not write to the history " + file, e);
      }
    }
  }

  /** Writes out what is buffered, so that {@link #read} sees every fact recorded so far. */
  public void flush() {
    synchronized (out) {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("Could not write to the history " + file, e);
      }
    }
  }

  /** Every fact of the history in {@code file}, in the order they were written. */
  public static List<Fact> read(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(line -> !line.isBlank()).map(History::parse).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the history " + file, e);
    }
  }

  private static Fact parse(String line) {
    ObjectNode node = (ObjectNode) JSON.readTree(line);
    JsonNode kind = node.remove("fact");
    Class<?> type = kind == null ? null : KINDS.get(kind.asString());
    if (type == null) {
      throw new IllegalArgumentException(
          "Not a fact of a history (its \"fact\" must be one of " + KINDS.keySet() + "): " + line);
    }
    return (Fact) JSON.treeToValue(node, type);
  }

  @Override
  public void close() {
    synchronized (out) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Could not close the history " + file, e);
      }
    }
  }
}
