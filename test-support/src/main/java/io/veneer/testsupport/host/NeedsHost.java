package io.veneer.testsupport.host;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class needs these host programs: it fails with the reason and the way to install them
 * when they are missing, and is skipped (counted as left out) only when {@code
 * -Dveneer.test.without} names its kind. Never silently skipped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NeedsHostExtension.class)
public @interface NeedsHost {
  HostTool[] value();
}
