package io.veneer.scheduler.filter;

/**
 * Why a filter turned a host away: a stable code for machines (metrics, alerts, API clients) and a
 * phrase a person can act on ("insufficient memory", "in maintenance", "missing label gpu=true").
 * Refusals are counted per distinct rejection, so a phrase that names a label or a zone keeps its
 * own count.
 *
 * @param code lower-case words joined by hyphens, e.g. {@code insufficient-memory}; never changes
 *     once published
 * @param phrase what is wrong with the host, as it reads after a count ("31 insufficient memory")
 */
public record Rejection(String code, String phrase) {

  public Rejection {
    if (!isKebabCase(code)) {
      throw new IllegalArgumentException(
          "A rejection code is lower-case words joined by hyphens, like insufficient-memory, not '"
              + code
              + "'");
    }
    if (phrase == null || phrase.isBlank()) {
      throw new IllegalArgumentException(
          "The rejection " + code + " needs a phrase a person reads");
    }
  }

  // A loop rather than a regex: filters may build rejections for thousands of hosts per placement.
  private static boolean isKebabCase(String code) {
    if (code == null || code.isEmpty() || code.startsWith("-") || code.endsWith("-")) {
      return false;
    }
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!allowed || (c == '-' && code.charAt(i - 1) == '-')) {
        return false;
      }
    }
    return true;
  }
}
