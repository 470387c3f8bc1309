package dev.culprit.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * JSON for events. Strict on the contract: every field of the record must be present (null
 * where a field is optional; only fields marked {@link AbsentInOlderArchives} may be absent), and a
 * schema version this build does not know is refused.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // Fields added within one schema version must not break older readers.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // ... and newer readers fill what older writers did not know (fields marked @AbsentInOlderArchives).
            .injectableValues(new InjectableValues.Std().addValue(AbsentInOlderArchives.ZERO, 0.0))
            .build();

    private EventCodec() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Event event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event.getClass().getSimpleName(), e);
        }
    }

    public static String encodeToString(Event event) {
        return new String(encode(event), java.nio.charset.StandardCharsets.UTF_8);
    }

    public static <T extends Event> T decode(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new EventFormatException(type.getSimpleName() + ": " + describe(e), e);
        }
    }

    public static <T extends Event> T decode(String json, Class<T> type) {
        return decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    /** An event already read as part of a larger document (an archive line), with the same checks. */
    public static <T extends Event> T decode(JsonNode json, Class<T> type) {
        try {
            return MAPPER.treeToValue(json, type);
        } catch (IOException e) {
            throw new EventFormatException(type.getSimpleName() + ": " + describe(e), e);
        }
    }

    /** An event read from a parser standing at its opening brace (inside an archive line), with the same checks. */
    public static <T extends Event> T decode(JsonParser json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new EventFormatException(type.getSimpleName() + ": " + describe(e), e);
        }
    }

    /** What went wrong, in the event's own words: a field and what it should hold, not Jackson's internals. */
    private static String describe(IOException e) {
        if (e instanceof ValueInstantiationException vie && vie.getCause() != null) {
            return vie.getCause().getMessage();
        }
        if (e instanceof JsonMappingException jme) {
            String field = jme.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            // Jackson has no exception type of its own for a missing creator property, only this message.
            if (String.valueOf(jme.getOriginalMessage()).startsWith("Missing creator property")) {
                return "missing field '" + field + "'";
            }
            if (jme instanceof MismatchedInputException mie && mie.getTargetType() != null) {
                return (field.isEmpty() ? "" : "field '" + field + "': ") + "expected " + expected(mie.getTargetType());
            }
            return field.isEmpty() ? "not an event of this kind" : "field '" + field + "' is not valid";
        }
        if (e instanceof JsonProcessingException jpe) {
            return "not valid JSON" + (jpe.getLocation() == null ? "" : " at column " + jpe.getLocation().getColumnNr());
        }
        return e.getMessage();
    }

    private static String expected(Class<?> type) {
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "text";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        return "an object (" + type.getSimpleName() + ")";
    }
}
