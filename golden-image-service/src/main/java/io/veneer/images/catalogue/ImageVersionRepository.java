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

  /** Disk digests some version still needs: everything not deleted or rejected. */
  @Query(
      "select distinct v.digest from ImageVersion v where v.digest is not null"
          + " and v.state not in (io.veneer.images.catalogue.VersionState.DELETED,"
          + " io.veneer.images.catalogue.VersionState.REJECTED)")
  List<String> referencedDigests();

  /**
   * Kernel digests some version still needs, an uploading one's too (see {@link
   * #referencedDigests}).
   */
  @Query(
      "select distinct v.kernelDigest from ImageVersion v where v.kernelDigest is not null"
          + " and v.state not in (io.veneer.images.catalogue.VersionState.DELETED,"
          + " io.veneer.images.catalogue.VersionState.REJECTED)")
  List<String> referencedKernelDigests();

  @Query(
      "select distinct v.initrdDigest from ImageVersion v where v.initrdDigest is not null"
          + " and v.state not in (io.veneer.images.catalogue.VersionState.DELETED,"
          + " io.veneer.images.catalogue.VersionState.REJECTED)")
  List<String> referencedInitrdDigests();

  boolean existsByDigestAndStateIn(String digest, Collection<VersionState> states);

  @Query(
      "select count(v) > 0 from ImageVersion v where (v.kernelDigest = ?1 or v.initrdDigest = ?1)"
          + " and v.state in ?2")
  boolean existsByBootFileDigestAndStateIn(String digest, Collection<VersionState> states);
}
