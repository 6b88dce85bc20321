package io.veneer.images.catalogue;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface ImageVersionRepository extends JpaRepository<ImageVersion, UUID> {

  List<ImageVersion> findByImageIdOrderByNumberDesc(UUID imageId);

  List<ImageVersion> findByStateIn(Collection<VersionState> states);

  @Query("select coalesce(max(v.number), 0) from ImageVersion v where v.image.id = ?1")
  int highestNumber(UUID imageId);

  /** Digests some version still needs: everything not deleted or rejected. */
  @Query(
      "select distinct v.digest from ImageVersion v where v.digest is not null"
          + " and v.state not in (io.veneer.images.catalogue.VersionState.DELETED,"
          + " io.veneer.images.catalogue.VersionState.REJECTED)")
  List<String> referencedDigests();

  boolean existsByDigestAndStateIn(String digest, Collection<VersionState> states);
}
