package io.veneer.agent.converge;

import io.veneer.agent.v1.DesktopStatus;

/** Where the converger reports observed changes (the control-plane stream, or a test). */
@FunctionalInterface
public interface StatusSink {
  void report(DesktopStatus status);
}
