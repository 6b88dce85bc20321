package io.veneer.controlplane;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Veneer control plane: desired state, placement, the agent gateway, the APIs and events. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ControlPlaneApplication {

  public static void main(String[] args) {
    SpringApplication.run(ControlPlaneApplication.class, args);
  }
}
