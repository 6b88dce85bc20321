package io.veneer.images;

import io.veneer.apidocs.ManagementPortGuard;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** Golden images, their versions and the blobs they are made of. */
@SpringBootApplication
@Import(ManagementPortGuard.class)
@ConfigurationPropertiesScan
public class GoldenImageServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(GoldenImageServiceApplication.class, args);
  }
}
