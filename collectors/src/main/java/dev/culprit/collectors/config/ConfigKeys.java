package dev.culprit.collectors.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.culprit.events.text.YamlTree;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The keys a collector config may hold and what each takes, read from the config's records
 * themselves (their {@code @JsonProperty} components), so that the check and the binding cannot
 * disagree. Reports every unknown key and every value of the wrong kind, each on its own line.
 */
final class ConfigKeys {

    private ConfigKeys() {}

    /** Where a mistake is and what it is. */
    @FunctionalInterface
    interface Problems {
        void add(int line, String reason);
    }

    /** Checks {@code mapping} against the record {@code type}; {@code prefix} is the keys above it ("" at the top). */
    static void check(YamlTree.Mapping mapping, Class<?> type, String prefix, Problems problems) {
        RecordComponent[] components = type.getRecordComponents();
        for (YamlTree.Entry entry : mapping.entries().values()) {
            String key = prefix + entry.key();
            Optional<RecordComponent> component = Arrays.stream(components)
                    .filter(c -> keyOf(c).equals(entry.key()))
                    .findFirst();
            if (component.isEmpty()) {
                problems.add(entry.keyLine(), "unknown key '" + key + "' (known here: " + Arrays.stream(components)
                        .map(ConfigKeys::keyOf).sorted().collect(Collectors.joining(", ")) + ")");
                continue;
            }
            Class<?> valueType = component.get().getType();
            YamlTree.Node value = entry.value();
            if (value instanceof YamlTree.Scalar s && s.value() == null) {
                continue; // an empty value keeps the default
            }
            if (valueType.isRecord()) {
                if (value instanceof YamlTree.Mapping inner) {
                    check(inner, valueType, key + ".", problems);
                } else {
                    problems.add(entry.keyLine(), key + ": expected keys under it, such as '" + entry.key() + ":' then '  "
                            + keyOf(valueType.getRecordComponents()[0]) + ": ...', got " + describe(value));
                }
            } else if (!takes(valueType, value)) {
                problems.add(entry.keyLine(), key + ": expected " + expected(valueType) + ", got " + describe(value));
            }
        }
    }

    private static boolean takes(Class<?> type, YamlTree.Node value) {
        if (!(value instanceof YamlTree.Scalar s)) {
            return false;
        }
        if (type == Boolean.class) {
            return s.value() instanceof Boolean;
        }
        if (type == Integer.class) {
            return s.value() instanceof Integer;
        }
        return type == String.class || type == Path.class;
    }

    private static String expected(Class<?> type) {
        if (type == Boolean.class) {
            return "true or false";
        }
        if (type == Integer.class) {
            return "a whole number";
        }
        return type == Path.class ? "a path" : "a value (text)";
    }

    /** A value as the operator wrote it, for "got ...". */
    static String describe(YamlTree.Node node) {
        if (node instanceof YamlTree.Scalar s) {
            return s.value() instanceof String text ? "'" + text + "'" : String.valueOf(s.value());
        }
        return node instanceof YamlTree.Mapping ? "keys (a mapping)" : "a list";
    }

    private static String keyOf(RecordComponent component) {
        // @JsonProperty does not target record components; javac puts it on the accessor.
        JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
        return property == null || property.value().isEmpty() ? component.getName() : property.value();
    }
}
