package io.veneer.agent.hypervisor;

/** A driver could not do what it was asked; the message says why and is reported as the reason. */
public class HypervisorException extends Exception {

  private static final long serialVersionUID = 1L;

  public HypervisorException(String message) {
    super(message);
  }

  public HypervisorException(String message, Throwable cause) {
    super(message, cause);
  }
}
