package dev.culprit.collectors.apache;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** How many worker slots are in each state: the {@code Scoreboard:} line, counted. */
public record Scoreboard(Map<ScoreboardState, Integer> counts) {

    public Scoreboard {
        EnumMap<ScoreboardState, Integer> all = new EnumMap<>(ScoreboardState.class);
        for (ScoreboardState state : ScoreboardState.values()) {
            all.put(state, counts.getOrDefault(state, 0));
        }
        counts = Collections.unmodifiableMap(all);
    }

    /**
     * Counts the slots of a scoreboard line's value.
     *
     * @throws StatusFormatException naming the first character that is no scoreboard state
     */
    public static Scoreboard count(String slots) {
        EnumMap<ScoreboardState, Integer> counts = new EnumMap<>(ScoreboardState.class);
        for (int i = 0; i < slots.length(); i++) {
            char symbol = slots.charAt(i);
            int slot = i + 1;
            ScoreboardState state = ScoreboardState.ofSymbol(symbol).orElseThrow(() -> new StatusFormatException(
                    "scoreboard slot " + slot + " is '" + symbol + "', expected one of _SRWKDCLGI."));
            counts.merge(state, 1, Integer::sum);
        }
        return new Scoreboard(counts);
    }

    public int count(ScoreboardState state) {
        return counts.get(state);
    }

    public int slots() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Every state by its label, zeros included, so a reader never has to guess a missing key. */
    public Map<String, Integer> byLabel() {
        Map<String, Integer> labelled = new LinkedHashMap<>();
        counts.forEach((state, n) -> labelled.put(state.label(), n));
        return labelled;
    }
}
