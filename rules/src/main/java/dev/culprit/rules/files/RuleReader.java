package dev.culprit.rules.files;

import dev.culprit.events.text.Durations;
import dev.culprit.events.text.YamlTree.Entry;
import dev.culprit.events.text.YamlTree.Mapping;
import dev.culprit.events.text.YamlTree.Node;
import dev.culprit.events.text.YamlTree.Scalar;
import dev.culprit.events.text.YamlTree.Sequence;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one rule file's keys into values, checking each against what it means. A key that is
 * absent keeps the rule's default; a key that is wrong is reported (and the default kept, so the
 * rest of the file is still checked). The keys a kind reads are its known keys: whatever else the
 * file holds is reported as unknown by {@link #reportUnknownKeys()}.
 *
 * <p>Keys are paths: {@code for} at the top level, {@code thresholds.iowaitPct} one level down.
 */
final class RuleReader {

    private static final String TOP = "";

    private final String file;
    private final Mapping root;
    private final List<RuleProblem> problems;
    /** Per section (TOP for the top level), the keys this kind asked for, in the order asked. */
    private final Map<String, Set<String>> known = new LinkedHashMap<>();
    private final Set<String> badSections = new HashSet<>();

    RuleReader(String file, Mapping root, List<RuleProblem> problems) {
        this.file = file;
        this.root = root;
        this.problems = problems;
    }

    /** The {@code kind:}, or empty (with the mistake reported) when it is missing or unknown. */
    Optional<RuleKind> kind() {
        Entry entry = entry("kind");
        if (entry == null) {
            problems.add(new RuleProblem(file, root.line(), "missing key 'kind' (one of: " + RuleKind.words() + ")"));
            return Optional.empty();
        }
        Optional<RuleKind> kind = entry.value() instanceof Scalar s && s.value() instanceof String word
                ? RuleKind.of(word) : Optional.empty();
        if (kind.isEmpty()) {
            problem(entry, "unknown kind " + describe(entry.value()) + " (known: " + RuleKind.words() + ")");
        }
        return kind;
    }

    int kindLine() {
        Entry entry = root.entries().get("kind");
        return entry == null ? root.line() : entry.keyLine();
    }

    String name(String fallback) {
        Entry entry = entry("name");
        if (entry == null) {
            return fallback;
        }
        if (entry.value() instanceof Scalar s && s.value() != null && !s.value().toString().isBlank()
                && !(s.value() instanceof Boolean)) {
            return s.value().toString().trim();
        }
        problem(entry, "name: expected a name for alerts to show, e.g. '" + fallback + "', got " + describe(entry.value()));
        return fallback;
    }

    /** A percentage threshold from 0 to 100; 0 holds on any host, which is how to try a pipeline out. */
    double percent(String path, double fallback) {
        Entry entry = entry(path);
        Double value = number(entry, path, "a percentage");
        if (value == null) {
            return fallback;
        }
        if (value < 0 || value > 100) {
            problem(entry, path + ": expected a percentage from 0 to 100, got " + text(entry));
            return fallback;
        }
        return value;
    }

    /** A threshold that is a measured amount: above 0, as 0 would always hold. */
    double positive(String path, double fallback) {
        Entry entry = entry(path);
        Double value = number(entry, path, "a number");
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            problem(entry, path + ": expected a number above 0, got " + text(entry));
            return fallback;
        }
        return value;
    }

    /** A multiple of something, above {@code floor}; {@code why} says what a lower one would mean. */
    double above(String path, double floor, String why, double fallback) {
        Entry entry = entry(path);
        Double value = number(entry, path, "a number");
        if (value == null) {
            return fallback;
        }
        if (value <= floor) {
            problem(entry, path + ": expected a number above " + (long) floor + " (" + why + "), got " + text(entry));
            return fallback;
        }
        return value;
    }

    /** A whole number of things, at least 1. */
    int count(String path, int fallback) {
        Entry entry = entry(path);
        Double value = number(entry, path, "a whole number");
        if (value == null) {
            return fallback;
        }
        if (value != Math.rint(value) || value < 1 || value > Integer.MAX_VALUE) {
            problem(entry, path + ": expected a whole number of at least 1, got " + text(entry));
            return fallback;
        }
        return value.intValue();
    }

    /**
     * A duration such as {@code 10s}, in millis. {@code zeroAllowed} where 0 means "at once"
     * (fire, resolve or update without waiting); a window or half-life of 0 means nothing.
     */
    long duration(String path, boolean zeroAllowed, long fallbackMs) {
        Entry entry = entry(path);
        if (entry == null) {
            return fallbackMs;
        }
        Node node = entry.value();
        if (node instanceof Scalar s && s.value() instanceof Number) {
            problem(entry, path + ": expected a duration with a unit, e.g. " + s.value() + "s (units: " + Durations.UNITS
                    + "), got " + s.value());
            return fallbackMs;
        }
        long millis = node instanceof Scalar s && s.value() instanceof String t
                ? Durations.read(t).map(Duration::toMillis).orElse(-1L) : -1;
        if (millis < 0) {
            problem(entry, path + ": expected a duration such as " + Durations.of(fallbackMs)
                    + " (units: " + Durations.UNITS + "), got " + describe(node));
            return fallbackMs;
        }
        if (millis == 0 && !zeroAllowed) {
            problem(entry, path + ": expected a duration above 0, got " + describe(node));
            return fallbackMs;
        }
        return millis;
    }

    /** Whether the file sets {@code path}; asks for nothing, so it does not make a key known. */
    boolean has(String path) {
        return lookup(path) != null;
    }

    /** A mistake that involves several keys, on the line of the first of them the file sets. */
    void problem(String reason, String... paths) {
        int line = 0;
        for (String path : paths) {
            Entry entry = lookup(path);
            if (entry != null) {
                line = entry.keyLine();
                break;
            }
        }
        problems.add(new RuleProblem(file, line, reason));
    }

    /** Reports every key this kind did not ask for, saying where it belongs when it is a key elsewhere. */
    void reportUnknownKeys() {
        for (Entry entry : root.entries().values()) {
            Set<String> top = known.getOrDefault(TOP, Set.of());
            if (!top.contains(entry.key())) {
                unknown(entry, TOP);
            } else if (known.containsKey(entry.key()) && entry.value() instanceof Mapping section) {
                for (Entry inner : section.entries().values()) {
                    if (!known.get(entry.key()).contains(inner.key())) {
                        unknown(inner, entry.key());
                    }
                }
            }
        }
    }

    private void unknown(Entry entry, String section) {
        String where = section.equals(TOP) ? "" : " under " + section;
        for (var other : known.entrySet()) {
            if (!other.getKey().equals(section) && other.getValue().contains(entry.key())) {
                problem(entry, "unknown key '" + entry.key() + "'" + where + ": it belongs "
                        + (other.getKey().equals(TOP) ? "at the top level" : "under " + other.getKey() + ":"));
                return;
            }
        }
        problem(entry, "unknown key '" + entry.key() + "'" + where + " (known: "
                + String.join(", ", known.getOrDefault(section, Set.of())) + ")");
    }

    /** The entry at {@code path}, or null when absent; marks the path as a known key either way. */
    private Entry entry(String path) {
        int dot = path.indexOf('.');
        String section = dot < 0 ? TOP : path.substring(0, dot);
        known.computeIfAbsent(section, s -> new LinkedHashSet<>()).add(dot < 0 ? path : path.substring(dot + 1));
        if (dot >= 0) {
            known.computeIfAbsent(TOP, s -> new LinkedHashSet<>()).add(section);
            Entry holder = root.entries().get(section);
            if (holder != null && !(holder.value() instanceof Mapping) && badSections.add(section)) {
                problem(holder, section + ": expected keys under it, e.g. '" + path.substring(dot + 1)
                        + ": ...' on the next line, indented; got " + describe(holder.value()));
            }
        }
        return lookup(path);
    }

    private Entry lookup(String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            return root.entries().get(path);
        }
        Entry holder = root.entries().get(path.substring(0, dot));
        return holder != null && holder.value() instanceof Mapping section
                ? section.entries().get(path.substring(dot + 1)) : null;
    }

    private Double number(Entry entry, String path, String expected) {
        if (entry == null) {
            return null;
        }
        if (entry.value() instanceof Scalar s && s.value() instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        problem(entry, path + ": expected " + expected + ", got " + describe(entry.value()));
        return null;
    }

    private void problem(Entry entry, String reason) {
        problems.add(new RuleProblem(file, entry.keyLine(), reason));
    }

    private static String text(Entry entry) {
        return describe(entry.value());
    }

    static String describe(Node node) {
        if (node instanceof Mapping) {
            return "a mapping";
        } else if (node instanceof Sequence) {
            return "a list";
        }
        Object value = ((Scalar) node).value();
        if (value == null) {
            return "nothing";
        } else if (value instanceof String s) {
            return "'" + s + "'";
        }
        return value.toString();
    }
}
