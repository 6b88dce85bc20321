package io.veneer.images;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.FilesystemBlobStore;
import io.veneer.images.inspection.ImageInspector;
import io.veneer.images.inspection.QemuImg;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ImagesConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  BlobStore blobStore(ImagesProperties properties) {
    return new FilesystemBlobStore(properties.storageDirectory());
  }

  @Bean
  QemuImg qemuImg(ImagesProperties properties) {
    return new QemuImg(properties);
  }

  @Bean
  ImageInspector imageInspector(QemuImg qemuImg, ImagesProperties properties) {
    return new ImageInspector(qemuImg, properties);
  }
}
