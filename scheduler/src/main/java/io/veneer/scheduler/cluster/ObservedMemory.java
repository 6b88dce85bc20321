package io.veneer.scheduler.cluster;

/**
 * A host's guests' memory as their agent last reported it, from the guests' own balloon statistics:
 * what the guests it counted were given, and what they use of it.
 *
 * @param givenMib the memory the counted guests were given (their sizes)
 * @param inUseMib what they use of it (a guest that has not reported yet counts all of it)
 */
public record ObservedMemory(long givenMib, long inUseMib) {

  public ObservedMemory {
    if (givenMib < 0 || inUseMib < 0) {
      throw new IllegalArgumentException(
          "Observed memory cannot be negative: givenMib=" + givenMib + " inUseMib=" + inUseMib);
    }
  }

  /** What the guests leave unused of what they were given: memory a new desktop may borrow. */
  public long unusedMib() {
    return Math.max(0, givenMib - inUseMib);
  }
}
