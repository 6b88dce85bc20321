package io.veneer.testsupport.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a fresh database on a real PostgreSQL server: declare a {@link
 * io.veneer.testsupport.postgres.PostgresDatabase} parameter on a test, a constructor or a
 * lifecycle method. Every method of the class sees the same database; other classes get their own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealPostgresExtension.class)
public @interface RealPostgres {}
