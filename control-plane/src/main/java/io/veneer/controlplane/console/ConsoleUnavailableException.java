package io.veneer.controlplane.console;

/** The desktop has no console to open right now (HTTP 409), and the message says why. */
public class ConsoleUnavailableException extends RuntimeException {

  ConsoleUnavailableException(String message) {
    super(message);
  }
}
