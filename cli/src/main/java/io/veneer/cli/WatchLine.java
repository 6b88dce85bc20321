package io.veneer.cli;

import io.veneer.api.v1.DesktopChange;
import io.veneer.api.v1.DesktopState;

/** One line of {@code desktops watch}: {@code <id> <STATE> host=<host> [initial|deleted]}. */
final class WatchLine {

  private WatchLine() {}

  static String of(DesktopChange change) {
    String line =
        change.getDesktop().getId()
            + " "
            + state(change.getDesktop().getState())
            + " host="
            + (change.getDesktop().getHostId().isEmpty() ? "-" : change.getDesktop().getHostId());
    if (change.getDeleted()) {
      return line + " deleted";
    }
    return change.getInitial() ? line + " initial" : line;
  }

  /** The state as REST names it: DESKTOP_STATE_RUNNING is RUNNING. */
  static String state(DesktopState state) {
    return state.name().replaceFirst("^DESKTOP_STATE_", "");
  }
}
