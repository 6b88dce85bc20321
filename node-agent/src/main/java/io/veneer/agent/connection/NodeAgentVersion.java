package io.veneer.agent.connection;

/** The agent's version, reported in its Hello. */
final class NodeAgentVersion {
  static final String VALUE = "0.1.0";

  private NodeAgentVersion() {}
}
