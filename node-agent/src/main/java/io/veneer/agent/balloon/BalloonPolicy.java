package io.veneer.agent.balloon;

import io.veneer.agent.hypervisor.GuestMemory;

/**
 * What a guest's balloon should leave it. Under pressure a guest keeps what it uses plus some
 * headroom, never less than its floor; an idle guest therefore goes down to its floor, a busy one
 * keeps what it needs (and gets it back if it needs more). Without pressure every guest has all of
 * its memory.
 */
record BalloonPolicy(int floorPercent) {

  // Room for the guest to allocate between two periods without waiting for the balloon: the
  // balloon is inflated without deflate-on-oom, so a guest squeezed to what it uses would swap or
  // kill before the next period could give memory back.
  static final long HEADROOM_MIB = 32;
  // Smaller moves are not worth a balloon operation (the guest's use wobbles by a few MiB).
  static final long STEP_MIB = 16;

  long floorMib(GuestMemory guest) {
    return guest.sizeMib() * floorPercent / 100;
  }

  /** The balloon target for the guest: its current balloon when nothing should change. */
  long target(GuestMemory guest, boolean underPressure) {
    long wanted;
    if (!underPressure) {
      wanted = guest.sizeMib();
    } else if (!guest.reported()) {
      return guest.balloonMib();
    } else {
      wanted = Math.min(guest.sizeMib(), Math.max(floorMib(guest), guest.usedMib() + HEADROOM_MIB));
    }
    boolean bound = wanted == guest.sizeMib() || wanted == floorMib(guest);
    long move = Math.abs(wanted - guest.balloonMib());
    return move > 0 && (bound || move >= STEP_MIB) ? wanted : guest.balloonMib();
  }
}
