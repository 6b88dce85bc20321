package io.veneer.agent.converge;

import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.images.ImageCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the image cache within its size without ever taking an image the host needs: nothing is
 * evicted until the control plane's full desired set has arrived (after a restart the agent does
 * not know yet what its desktops use), and neither a desired desktop's blobs nor the golden image
 * behind any existing overlay (a stopped desktop's, or one whose refresh onto a newer golden is
 * still to come) is ever evicted.
 */
public final class ImageEviction {

  private final Converger converger;
  private final Hypervisor hypervisor;
  private final ImageCache images;

  public ImageEviction(Converger converger, Hypervisor hypervisor, ImageCache images) {
    this.converger = converger;
    this.hypervisor = hypervisor;
    this.images = images;
  }

  /** Evicts what it may; returns the evicted digests. */
  public List<String> run() throws IOException {
    Optional<Set<String>> desired = converger.desiredImages();
    if (desired.isEmpty()) {
      return List.of();
    }
    Set<String> keep = new HashSet<>(desired.get());
    for (Path golden : hypervisor.goldenImagesInUse()) {
      images.digestOf(golden).ifPresent(keep::add);
    }
    return images.evict(keep);
  }
}
