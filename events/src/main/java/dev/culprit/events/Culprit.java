package dev.culprit.events;

import java.util.Map;

/**
 * Who or what an incident blames, with the numbers that justify it.
 *
 * @param role what kind of thing is blamed: {@code process}, {@code disk}, {@code client},
 *     {@code url}, {@code script}
 * @param name how an operator finds it: {@code 4211 dd}, {@code sda}, {@code 203.0.113.7}
 * @param evidence the figures behind the blame, by name (e.g. {@code iowaitPct}, {@code writeBytesPerSec})
 */
public record Culprit(String role, String name, Map<String, Double> evidence) {

    public Culprit {
        Schema.requireField(role, "role");
        Schema.requireField(name, "name");
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }
}
