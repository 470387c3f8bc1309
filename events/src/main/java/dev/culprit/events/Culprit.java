package dev.culprit.events;

import dev.culprit.events.text.FieldLimit;
import java.util.Map;

/**
 * Who or what an incident blames, with the numbers that justify it.
 *
 * @param role what kind of thing is blamed: {@code process}, {@code disk}, {@code client},
 *     {@code url}, {@code script}
 * @param name how an operator finds it: {@code 4211 dd}, {@code sda}, {@code 203.0.113.7}
 * @param evidence the figures behind the blame, by name (e.g. {@code iowaitPct}, {@code writeBytesPerSec})
 * @param details what else an operator needs to act, by name (e.g. {@code cmdline}, {@code container}, {@code disks})
 */
public record Culprit(String role, String name, Map<String, Double> evidence, Map<String, String> details) {

    public Culprit {
        Schema.requireField(role, "role");
        // names and details quote what a host sent (URLs, paths, command lines): cut to a bound, visibly
        name = FieldLimit.cap(Schema.requireField(name, "name"), FieldLimit.NAME);
        evidence = evidence == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(evidence));
        java.util.Map<String, String> capped = new java.util.LinkedHashMap<>();
        if (details != null) {
            details.forEach((key, value) -> capped.put(key, FieldLimit.cap(value, FieldLimit.NAME)));
        }
        details = java.util.Collections.unmodifiableMap(capped);
    }

    public Culprit(String role, String name, Map<String, Double> evidence) {
        this(role, name, evidence, Map.of());
    }
}
