package io.veneer.controlplane;

import io.veneer.apidocs.ManagementPortGuard;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** The Veneer control plane: desired state, placement, the agent gateway, the APIs and events. */
@SpringBootApplication
@Import(ManagementPortGuard.class)
@ConfigurationPropertiesScan
public class ControlPlaneApplication {

  public static void main(String[] args) {
    SpringApplication.run(ControlPlaneApplication.class, args);
  }
}
