package io.veneer.agent.hypervisor;

import io.veneer.agent.AgentSettings;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * A kind of hypervisor the agent can drive, found with {@link ServiceLoader} ({@code
 * META-INF/services}): adding a driver is adding a jar, never editing the agent. {@code
 * VENEER_DRIVER} picks one by {@link #name}.
 */
public interface HypervisorDriver {

  /** The name {@code VENEER_DRIVER} selects it by, reported in the Hello. */
  String name();

  /** A driver for this host. */
  Hypervisor open(AgentSettings settings);

  /** Every driver on the class path, by name. */
  static List<HypervisorDriver> installed() {
    return ServiceLoader.load(HypervisorDriver.class).stream()
        .map(ServiceLoader.Provider::get)
        .toList();
  }

  /** The installed driver of that name; the error names the installed ones. */
  static HypervisorDriver named(String name) {
    List<HypervisorDriver> installed = installed();
    return installed.stream()
        .filter(driver -> driver.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "VENEER_DRIVER must name an installed driver ("
                        + installed.stream()
                            .map(HypervisorDriver::name)
                            .sorted()
                            .collect(Collectors.joining(", "))
                        + "), not '"
                        + name
                        + "'"));
  }
}
