package dev.culprit.collectors;

import dev.culprit.collectors.apache.ApacheStatusSource;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.proc.ProcSource;
import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.collectors.tail.TailedLogSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every kind of source, by the name of its section under {@code sources:} in the collector config,
 * the way node_exporter registers its collectors: adding a source is its package and one line here.
 * (Not "Sources": that is the config's section record.)
 */
public final class SourceRegistry {

    /** What a kind's sources are made with besides the config. */
    public record Context(String host, Clock clock, Map<String, FilePosition> resume) {

        /** A log followed live from where the last run stopped reading it (or from its end). */
        public TailedLogSource follow(String key, Path path, TailedLogSource.Kind kind) {
            return new TailedLogSource(key, path, kind, host, clock, Optional.ofNullable(resume.get(key)));
        }
    }

    /** Makes a kind's sources from the config; none when its section is off. */
    @FunctionalInterface
    public interface Factory {
        List<Source> configured(CollectorConfig config, Context context);
    }

    private static final Map<String, Factory> KINDS = new LinkedHashMap<>();

    static {
        register("proc", ProcSource::configured);
        register("apache", ApacheStatusSource::configured);
        register("evasive", LogKind.EVASIVE::configured);
        register("phpmail", LogKind.PHPMAIL::configured);
        register("access", LogKind.ACCESS::configured);
    }

    private SourceRegistry() {}

    private static void register(String kind, Factory factory) {
        if (KINDS.putIfAbsent(kind, factory) != null) {
            throw new IllegalStateException("source kind " + kind + " registered twice");
        }
    }

    /** The kinds, in the order their sources start and are summarised. */
    public static Set<String> kinds() {
        return Collections.unmodifiableSet(KINDS.keySet());
    }

    /** Every source the config turns on, kind by kind. */
    public static List<Source> configured(CollectorConfig config, Context context) {
        List<Source> sources = new ArrayList<>();
        KINDS.values().forEach(kind -> sources.addAll(kind.configured(config, context)));
        return sources;
    }
}
