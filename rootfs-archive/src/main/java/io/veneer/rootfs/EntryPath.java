package io.veneer.rootfs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A name inside the archive's root, as a list of parts with no empty, {@code .} or {@code ..} part;
 * the root itself has none. Parsing is where absolute and climbing names are refused.
 */
record EntryPath(List<String> parts) {

  static final EntryPath ROOT = new EntryPath(List.of());

  /** Linux's PATH_MAX and NAME_MAX: longer names cannot be created, so they are refused first. */
  static final int MAX_NAME_BYTES = 4096;

  private static final int MAX_PART_BYTES = 255;

  EntryPath {
    parts = List.copyOf(parts);
  }

  /**
   * Parses {@code name} as a path inside the root.
   *
   * @param entry the entry whose name (or link target) this is, for the refusal
   */
  static EntryPath parse(String name, String entry) throws RefusedException {
    if (name.isEmpty() || name.indexOf('\0') >= 0) {
      throw new RefusedException(
          Refusal.Reason.MALFORMED_NAME, entry, "'" + Refusal.printable(name) + "' is not a path");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new RefusedException(
          Refusal.Reason.MALFORMED_NAME, entry, "a path longer than " + MAX_NAME_BYTES + " bytes");
    }
    if (name.startsWith("/")) {
      throw new RefusedException(
          Refusal.Reason.ABSOLUTE_PATH,
          entry,
          "'" + Refusal.printable(name) + "' is absolute; names must be relative to the root");
    }
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw new RefusedException(
            Refusal.Reason.PARENT_TRAVERSAL,
            entry,
            "'" + Refusal.printable(name) + "' climbs with '..'");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_PART_BYTES) {
        throw new RefusedException(
            Refusal.Reason.MALFORMED_NAME,
            entry,
            "a path part longer than " + MAX_PART_BYTES + " bytes");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return new EntryPath(parts);
  }

  boolean isRoot() {
    return parts.isEmpty();
  }

  int depth() {
    return parts.size();
  }

  EntryPath parent() {
    return new EntryPath(parts.subList(0, parts.size() - 1));
  }

  /** This path and each of its ancestors but the root, shortest first. */
  List<EntryPath> ancestors() {
    List<EntryPath> ancestors = new ArrayList<>();
    for (int i = 1; i < parts.size(); i++) {
      ancestors.add(new EntryPath(parts.subList(0, i)));
    }
    return ancestors;
  }

  Path in(Path root) {
    return isRoot() ? root : root.resolve(String.join("/", parts));
  }

  @Override
  public String toString() {
    return isRoot() ? "." : String.join("/", parts);
  }
}
