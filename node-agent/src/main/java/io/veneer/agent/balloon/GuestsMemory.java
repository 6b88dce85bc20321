package io.veneer.agent.balloon;

/**
 * The running guests' memory summed at one balloon pass, as heartbeats carry it.
 *
 * @param givenMib what the guests were given (their sizes)
 * @param inUseMib what they use, by their own statistics (all of it until a guest reports)
 */
public record GuestsMemory(long givenMib, long inUseMib) {}
