package io.veneer.images;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Golden images, their versions and the blobs they are made of. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GoldenImageServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(GoldenImageServiceApplication.class, args);
  }
}
