package io.veneer.agent.hypervisor;

/**
 * A running guest's memory as its balloon sees it.
 *
 * @param sizeMib the memory it was started with
 * @param balloonMib what the balloon leaves it now (its size until the balloon is inflated)
 * @param usedMib what the guest itself says it uses (its total less what it has available), from
 *     its balloon statistics; meaningless while {@code reported} is false
 * @param reported whether the guest has sent statistics yet (it has not in its first seconds)
 */
public record GuestMemory(long sizeMib, long balloonMib, long usedMib, boolean reported) {

  /** A guest that has not reported its statistics yet. */
  public static GuestMemory unreported(long sizeMib, long balloonMib) {
    return new GuestMemory(sizeMib, balloonMib, 0, false);
  }

  /** What it counts as in use: what it says it uses, or all of its balloon until it says. */
  public long inUseMib() {
    return reported ? usedMib : balloonMib;
  }
}
