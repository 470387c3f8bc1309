package dev.culprit.events;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Kafka topic names. Record key is the host; record timestamp is the event's {@code ts}. */
public final class Topics {

    public static final String CPU = "culprit.cpu";
    public static final String DISK = "culprit.disk";
    public static final String PROC = "culprit.proc";
    public static final String APACHE = "culprit.apache";
    public static final String ACCESS = "culprit.access";
    public static final String EVASIVE = "culprit.evasive";
    public static final String PHPMAIL = "culprit.phpmail";
    public static final String ALERTS = "culprit.alerts";
    public static final String DEADLETTER = "culprit.deadletter";
    public static final String RULES = "culprit.rules";
    /** How far each collector's on-disk spool has been shipped; written in the same transaction as the events. */
    public static final String CHECKPOINTS = "culprit.checkpoints";

    public static final List<String> ALL =
            List.of(CPU, DISK, PROC, APACHE, ACCESS, EVASIVE, PHPMAIL, ALERTS, DEADLETTER, RULES, CHECKPOINTS);

    /**
     * Partitions of a topic whose records are keyed by host: a host's records stay in order in one
     * partition, and hosts spread over several, so that the job's readers share them and one host's
     * backlog waits behind fewer others.
     */
    public static final int HOST_PARTITIONS = 4;

    /**
     * Topics read whole, in one order: the rules (each push replaces the last) and the collectors'
     * shipped positions (a collector reads its latest at start).
     */
    private static final List<String> ONE_ORDER = List.of(RULES, CHECKPOINTS);

    /** How many partitions {@code topic} is created with. */
    public static int partitionsOf(String topic) {
        return ONE_ORDER.contains(topic) ? 1 : HOST_PARTITIONS;
    }

    /** Topics a collector writes its host's events to. */
    private static final List<String> HOST_EVENTS = List.of(CPU, DISK, PROC, APACHE, ACCESS, EVASIVE, PHPMAIL);

    /**
     * The settings {@code topic} needs beyond the broker's defaults. A host event's record carries
     * the time the broker took it in ({@code LogAppendTime}), not the collector's: that is the
     * reference a host's own clock is compared with (a clock-skew flag), and what retention counts
     * from, whatever the host's clock says. The collectors' resume offsets are compacted, so the
     * latest offset of each collector is kept for as long as the topic is: deleted by retention
     * (7 days by default), a collector down for longer would find no offset and ship its whole
     * spool again.
     */
    public static Map<String, String> configOf(String topic) {
        if (HOST_EVENTS.contains(topic)) {
            return Map.of("message.timestamp.type", "LogAppendTime");
        }
        return topic.equals(CHECKPOINTS) ? Map.of("cleanup.policy", "compact") : Map.of();
    }

    private static final Map<Class<? extends Event>, String> BY_TYPE = Map.of(
            CpuSample.class, CPU,
            DiskSample.class, DISK,
            ProcessIoSample.class, PROC,
            ApacheStatus.class, APACHE,
            AccessTally.class, ACCESS,
            EvasiveEvent.class, EVASIVE,
            PhpMail.class, PHPMAIL,
            DeadLetter.class, DEADLETTER,
            Alert.class, ALERTS);
    /** Looked up for every event a job or a replay reads: a map, not a search of {@link #BY_TYPE}. */
    private static final Map<String, Class<? extends Event>> BY_TOPIC = BY_TYPE.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    private Topics() {}

    /** The topic an event of this kind is published to. */
    public static String of(Event event) {
        String topic = BY_TYPE.get(event.getClass());
        if (topic == null) {
            throw new IllegalArgumentException("no topic carries " + event.getClass().getSimpleName());
        }
        return topic;
    }

    /** The event type a topic carries. */
    public static Class<? extends Event> typeOf(String topic) {
        Class<? extends Event> type = topic == null ? null : BY_TOPIC.get(topic);
        if (type == null) {
            throw new IllegalArgumentException("topic " + topic + " carries no event type");
        }
        return type;
    }
}
