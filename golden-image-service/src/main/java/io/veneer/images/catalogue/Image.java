package io.veneer.images.catalogue;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A golden image: the catalogue entry and the virtual hardware its desktops get. */
@Entity
public class Image {

  @Id private UUID id;

  @Column(nullable = false, unique = true)
  private String name;

  private String description;
  private String os;
  private String machine;
  private String firmware;
  private int vcpus;
  private long memoryMib;
  private String bootMode;
  private String kernelCmdline;
  private boolean display;
  private Instant createdAt;
  private long eventSequence;

  @Version private long rowVersion;

  protected Image() {}

  public Image(
      UUID id,
      String name,
      HardwareProfile profile,
      String description,
      String os,
      Instant createdAt) {
    this.id = id;
    this.name = name;
    this.description = description;
    this.os = os;
    this.machine = profile.machine();
    this.firmware = profile.firmware();
    this.vcpus = profile.vcpus();
    this.memoryMib = profile.memoryMib();
    this.bootMode = profile.bootMode();
    this.kernelCmdline = profile.kernelCmdline();
    this.display = profile.display();
    this.createdAt = createdAt;
  }

  public UUID id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public String os() {
    return os;
  }

  public HardwareProfile hardware() {
    return new HardwareProfile(
        machine, firmware, vcpus, memoryMib, bootMode, kernelCmdline, display);
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** The aggregate version of the next event about this image. */
  public long nextEventSequence() {
    return ++eventSequence;
  }
}
