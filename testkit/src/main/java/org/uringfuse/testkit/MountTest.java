package org.uringfuse.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;

/**
 * A test run once per transport on a fresh mount of the filesystem that the class's
 * {@link FuseMountExtension} serves; the test takes the {@link MountFixture} as a parameter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
public @interface MountTest {}
