package io.veneer.controlplane.console;

/** A console ticket that is unknown, expired, used already or someone else's (HTTP 403). */
public class TicketRefusedException extends RuntimeException {

  TicketRefusedException() {
    super(
        "Console ticket refused: it is unknown, expired, already used or issued to someone else;"
            + " ask for a new one");
  }
}
