package io.veneer.rootfs;

import java.util.Set;

/** A device node an archive may carry: character or block, with its major and minor numbers. */
public record DeviceNode(Kind kind, int major, int minor) {

  public enum Kind {
    CHARACTER('c'),
    BLOCK('b');

    private final char letter;

    Kind(char letter) {
      this.letter = letter;
    }
  }

  /**
   * The nodes every Linux root filesystem has and an OCI runtime gives each container anyway: null,
   * zero, full, random, urandom, tty, console, ptmx. Nothing that reaches hardware.
   */
  public static final Set<DeviceNode> STANDARD =
      Set.of(
          character(1, 3),
          character(1, 5),
          character(1, 7),
          character(1, 8),
          character(1, 9),
          character(5, 0),
          character(5, 1),
          character(5, 2));

  public DeviceNode {
    if (kind == null || major < 0 || minor < 0) {
      throw new IllegalArgumentException("a device node needs a kind and non-negative numbers");
    }
  }

  public static DeviceNode character(int major, int minor) {
    return new DeviceNode(Kind.CHARACTER, major, minor);
  }

  public static DeviceNode block(int major, int minor) {
    return new DeviceNode(Kind.BLOCK, major, minor);
  }

  /** As {@code ls -l} and {@code mknod} write it: {@code c 1:3}. */
  @Override
  public String toString() {
    return kind.letter + " " + major + ":" + minor;
  }
}
