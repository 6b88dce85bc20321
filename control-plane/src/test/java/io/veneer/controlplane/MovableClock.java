package io.veneer.controlplane;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The control plane's clock in the Spring tests: the system's until a test sets or moves it, then
 * that time until the test lets it go ({@link #followSystem}). Shared by every test of the cached
 * context; the tests of one JVM run one at a time.
 */
public final class MovableClock extends Clock {

  private volatile Instant fixed;

  /** Stops the clock at {@code instant}. */
  public void set(Instant instant) {
    fixed = instant;
  }

  /** Moves the clock forward by {@code duration} from where it stands now. */
  public void advance(Duration duration) {
    fixed = instant().plus(duration);
  }

  /** Lets the clock follow the system's again. */
  public void followSystem() {
    fixed = null;
  }

  @Override
  public Instant instant() {
    Instant at = fixed;
    return at == null ? Instant.now() : at;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("The control plane reads instants only");
  }

  /** Puts {@link ControlPlaneSpringTest#CLOCK} in the context, ahead of the system clock. */
  @TestConfiguration(proxyBeanMethods = false)
  static class InContext {

    @Bean
    @Primary
    Clock movableClock() {
      return ControlPlaneSpringTest.CLOCK;
    }
  }

  /** Puts a clock of its own in a context, ahead of the system clock. */
  @TestConfiguration(proxyBeanMethods = false)
  static class OwnInContext {

    @Bean
    @Primary
    Clock movableClock() {
      return new MovableClock();
    }
  }
}
