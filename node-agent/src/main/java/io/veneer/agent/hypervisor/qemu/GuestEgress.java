package io.veneer.agent.hypervisor.qemu;

import java.nio.file.Path;

/**
 * Where guests whose pool allows outbound connections reach the outside network from: a network
 * namespace of the host's operator, holding only the route out (never the host's own services), and
 * passt, which carries each such guest's traffic through sockets opened in that namespace.
 *
 * @param namespace the egress network namespace (a file such as /run/netns/NAME), or null when this
 *     host offers guests no outside network
 * @param passt the passt binary
 */
public record GuestEgress(Path namespace, String passt) {

  /** A host whose guests never reach any network. */
  public static final GuestEgress NONE = new GuestEgress(null, "passt");

  /** A namespace's name means /run/netns/NAME, as {@code ip netns add} makes it. */
  public static GuestEgress of(String namespace, String passt) {
    if (namespace == null || namespace.isBlank()) {
      return new GuestEgress(null, passt);
    }
    Path path =
        namespace.contains("/") ? Path.of(namespace.strip()) : Path.of("/run/netns", namespace);
    return new GuestEgress(path, passt);
  }

  public boolean offered() {
    return namespace != null;
  }
}
