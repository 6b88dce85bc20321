package io.veneer.rootfs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What this run has put into the target, by path. The target starts empty, so this is the whole
 * truth about it: links are resolved here, as the desktop will see them, never on the host.
 */
final class UnpackedTree {

  /** Linux's MAXSYMLINKS: deeper chains are loops as far as anyone can tell. */
  private static final int MAX_LINK_HOPS = 40;

  sealed interface Node {}

  record Directory() implements Node {}

  record RegularFile() implements Node {}

  record Symlink(String target) implements Node {}

  record SkippedDevice() implements Node {}

  /** Where a symbolic link leads, seen from inside the root. */
  enum Destination {
    INSIDE,
    ABOVE_ROOT,
    TOO_MANY_LINKS
  }

  private final Map<EntryPath, Node> nodes = new HashMap<>();

  Optional<Node> at(EntryPath path) {
    return Optional.ofNullable(nodes.get(path));
  }

  void put(EntryPath path, Node node) {
    nodes.put(path, node);
  }

  Map<EntryPath, Symlink> symlinks() {
    Map<EntryPath, Symlink> links = new HashMap<>();
    nodes.forEach(
        (path, node) -> {
          if (node instanceof Symlink link) {
            links.put(path, link);
          }
        });
    return links;
  }

  /**
   * Follows {@code target} from the directory of {@code link} through the links made so far, with
   * the root as {@code /} (absolute targets start there, as in the desktop's mount namespace).
   * Climbing above the root is what a host process following the link would do: that escapes.
   */
  Destination resolve(EntryPath link, String target) {
    List<String> at = new ArrayList<>(target.startsWith("/") ? List.of() : link.parent().parts());
    Deque<String> pending = new ArrayDeque<>(Arrays.asList(target.split("/")));
    int hops = 0;
    while (!pending.isEmpty()) {
      String part = pending.removeFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (at.isEmpty()) {
          return Destination.ABOVE_ROOT;
        }
        at.removeLast();
        continue;
      }
      at.add(part);
      if (nodes.get(new EntryPath(at)) instanceof Symlink next) {
        if (++hops > MAX_LINK_HOPS) {
          return Destination.TOO_MANY_LINKS;
        }
        at.removeLast();
        if (next.target().startsWith("/")) {
          at.clear();
        }
        List<String> spliced = Arrays.asList(next.target().split("/"));
        for (int i = spliced.size() - 1; i >= 0; i--) {
          pending.addFirst(spliced.get(i));
        }
      }
    }
    return Destination.INSIDE;
  }
}
