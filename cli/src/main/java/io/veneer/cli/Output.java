package io.veneer.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.veneer.client.controlplane.ApiClient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a command prints on standard output: a table for people, or the API's own objects as JSON or
 * YAML for scripts (the generated clients' models, so field names are the API's).
 */
final class Output {

  /** {@code -o table|json|yaml}. */
  enum Format {
    TABLE,
    JSON,
    YAML
  }

  /** A column of a table: its header and how to read it from a row. */
  record Column<T>(String header, Function<T, Object> value) {}

  private static final ObjectMapper JSON =
      ApiClient.createDefaultObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML = new YAMLMapper();

  private final PrintStream out;
  private final Format format;

  Output(PrintStream out, Format format) {
    this.out = out;
    this.format = format;
  }

  PrintStream stream() {
    return out;
  }

  Format format() {
    return format;
  }

  /** One object: as a two-column table of its fields, or as JSON/YAML. */
  <T> void one(T value, List<Column<T>> columns) {
    if (format != Format.TABLE) {
      serialize(value);
      return;
    }
    int width = columns.stream().mapToInt(c -> c.header().length()).max().orElse(0);
    for (Column<T> column : columns) {
      out.printf("%-" + width + "s  %s%n", column.header(), text(column.value().apply(value)));
    }
  }

  /** A list: one row each, or a JSON/YAML array. */
  <T> void many(List<T> values, List<Column<T>> columns) {
    if (format != Format.TABLE) {
      serialize(values);
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(columns.stream().map(Column::header).toArray(String[]::new));
    for (T value : values) {
      rows.add(columns.stream().map(c -> text(c.value().apply(value))).toArray(String[]::new));
    }
    int[] widths = new int[columns.size()];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private void serialize(Object value) {
    try {
      out.println(
          format == Format.JSON
              ? JSON.writeValueAsString(value)
              : YAML.writeValueAsString(JSON.convertValue(value, Object.class)).stripTrailing());
    } catch (JsonProcessingException e) {
      throw new CliFailure(ExitCode.FAILED, "Cannot write the answer: " + e.getMessage());
    }
  }

  private static String text(Object value) {
    return value == null ? "-" : Objects.toString(value);
  }
}
