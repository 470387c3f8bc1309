package dev.culprit.events;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A reference added to an event within one schema version: events archived before it lack the
 * field, and read as null (unknown), as the field's own documentation says null means. Every
 * other field stays required ({@link EventCodec} is strict on missing ones).
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@JacksonAnnotationsInside
@JacksonInject(useInput = OptBoolean.TRUE, optional = OptBoolean.TRUE)
public @interface NullInOlderArchives {}
