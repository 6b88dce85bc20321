package io.veneer.portal.console;

/** What a ticket's redemption comes to: admitted to a console, or refused with a reason. */
sealed interface Admission {

  record Admitted(ConsoleTicket ticket) implements Admission {}

  record Refused(String reason) implements Admission {}
}
