package io.veneer.rootfs;

/**
 * Why an archive was refused, naming the entry that broke the rule. {@link #sentence()} is safe to
 * show and log: control characters in a hostile entry name are escaped and long names cut short.
 */
public record Refusal(Reason reason, String entry, String detail) {

  private static final int SHOWN_NAME_CHARS = 200;

  /** The rules an archive can break; callers count or map them, nobody parses the sentence. */
  public enum Reason {
    ABSOLUTE_PATH,
    PARENT_TRAVERSAL,
    MALFORMED_NAME,
    THROUGH_SYMLINK,
    PARENT_NOT_A_DIRECTORY,
    DUPLICATE_ENTRY,
    SYMLINK_ESCAPES,
    HARD_LINK_ESCAPES,
    DEVICE_NODE,
    SETUID,
    UNSUPPORTED_TYPE,
    TOO_MANY_ENTRIES,
    ENTRY_TOO_LARGE,
    TOTAL_TOO_LARGE,
    ARCHIVE_TOO_LARGE,
    HEADER_TOO_LARGE,
    MALFORMED_ARCHIVE
  }

  public Refusal {
    entry = entry == null ? "" : entry;
  }

  /**
   * One sentence a person can act on, e.g. {@code entry 'dev/sda' refused: device node b 8:0 is not
   * on the allow-list}.
   */
  public String sentence() {
    String subject = entry.isEmpty() ? "archive" : "entry '" + printable(entry) + "'";
    return subject + " refused: " + detail;
  }

  static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints()
        .limit(SHOWN_NAME_CHARS)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
                out.append(String.format("\\x%02x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    if (name.codePointCount(0, name.length()) > SHOWN_NAME_CHARS) {
      out.append("...");
    }
    return out.toString();
  }
}
