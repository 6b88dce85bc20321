package io.veneer.agent.hypervisor;

import io.veneer.agent.v1.ConsoleEndpoint;

/**
 * What a driver sees of one desktop.
 *
 * @param state the state
 * @param reason for FAILED, what went wrong in words a person can act on; empty otherwise
 * @param console where its display listens, or null
 */
public record Observation(GuestState state, String reason, ConsoleEndpoint console) {

  public static Observation of(GuestState state) {
    return new Observation(state, "", null);
  }

  public static Observation failed(String reason) {
    return new Observation(GuestState.FAILED, reason, null);
  }
}
