package dev.culprit.events;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A figure added to an event within one schema version: events archived before it lack the field,
 * and read as 0 (what the collector would have sent had it known the figure, when the kernel does
 * not count it). Every other field stays required ({@link EventCodec} is strict on missing ones).
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@JacksonAnnotationsInside
@JacksonInject(value = AbsentInOlderArchives.ZERO, useInput = OptBoolean.TRUE)
public @interface AbsentInOlderArchives {

    /** The injectable value {@link EventCodec} supplies for an absent field. */
    String ZERO = "absent-in-older-archives";
}
