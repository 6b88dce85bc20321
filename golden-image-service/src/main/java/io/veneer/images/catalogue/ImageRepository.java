package io.veneer.images.catalogue;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ImageRepository extends JpaRepository<Image, UUID> {

  Optional<Image> findByName(String name);

  /** A page of images after a cursor, by name. */
  List<Image> findByNameGreaterThanOrderByNameAsc(String afterName, Limit limit);
}
