package dev.culprit.app;

import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.text.Durations;
import dev.culprit.rules.RuleSet;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Says on the console of a running pipeline what each {@code culprit rules push} changed, one
 * line per push, in the rule files' own words: {@code rules updated: dos.yaml deniedPerSec 20 → 400}.
 * It reads {@code culprit.rules} from the end as it was at start, as the job does, and compares
 * each pushed rule set with the one before it (at first, the rules the pipeline started with).
 */
final class RuleUpdateNotices implements AutoCloseable {

    /** Rule record components whose YAML key is not the component's name without its {@code Ms}. */
    private static final Map<String, String> KEYS = Map.of("minUpdateMs", "minUpdateInterval");

    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<String> notices;
    private final Thread thread;
    private RuleSet inForce;

    private RuleUpdateNotices(KafkaAccess kafka, RuleSet atStart, Consumer<String> notices) {
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)));
        this.inForce = atStart;
        this.notices = notices;
        this.thread = new Thread(this::run, "culprit-rule-updates");
        thread.setDaemon(true);
    }

    static RuleUpdateNotices start(KafkaAccess kafka, RuleSet atStart, Consumer<String> notices) {
        RuleUpdateNotices watcher = new RuleUpdateNotices(kafka, atStart, notices);
        List<TopicPartition> partitions = watcher.consumer.partitionsFor(Topics.RULES).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        watcher.consumer.assign(partitions);
        watcher.consumer.seekToEnd(partitions);
        // a push from now on is new, even one made before the thread's first poll
        partitions.forEach(watcher.consumer::position);
        watcher.thread.start();
        return watcher;
    }

    private void run() {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    notices.accept(describe(record));
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    private String describe(ConsumerRecord<String, byte[]> record) {
        RuleSet pushed;
        try {
            pushed = EventCodec.mapper().readValue(record.value(), RuleSet.class);
        } catch (IOException | IllegalArgumentException e) {
            return "rules pushed at offset " + record.offset() + " of " + record.topic() + " refused, the rules in force stay: "
                    + TerminalText.printable(e.getMessage());
        }
        List<String> changes = changes(inForce, pushed);
        inForce = pushed;
        return changes.isEmpty() ? "rules pushed: no change to the rules in force" : "rules updated: " + String.join("; ", changes);
    }

    /** Per rule file that changed, {@code dos.yaml deniedPerSec 20 → 400, for 10s → 5s}. */
    static List<String> changes(RuleSet before, RuleSet after) {
        List<String> files = new ArrayList<>();
        for (RecordComponent kind : RuleSet.class.getRecordComponents()) {
            Object was = value(kind, before);
            Object is = value(kind, after);
            List<String> keys = new ArrayList<>();
            for (RecordComponent key : kind.getType().getRecordComponents()) {
                Object from = value(key, was);
                Object to = value(key, is);
                if (!Objects.equals(from, to)) {
                    keys.add(yamlKey(key) + " " + written(key, from) + " → " + written(key, to));
                }
            }
            if (!keys.isEmpty()) {
                files.add(kind.getName() + ".yaml " + String.join(", ", keys));
            }
        }
        return files;
    }

    /** A duration component ({@code long fooMs}) is written {@code foo: 10s} in a rule file. */
    private static boolean isDuration(RecordComponent key) {
        return key.getType() == long.class && key.getName().endsWith("Ms");
    }

    private static String yamlKey(RecordComponent key) {
        String name = key.getName();
        return KEYS.getOrDefault(name, isDuration(key) ? name.substring(0, name.length() - 2) : name);
    }

    private static String written(RecordComponent key, Object value) {
        if (isDuration(key)) {
            return Durations.of((Long) value);
        }
        if (value instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.0f", d) : String.valueOf(d);
        }
        return TerminalText.printable(String.valueOf(value));
    }

    private static Object value(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + record.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(5_000);
        consumer.close(Duration.ofSeconds(2));
    }
}
