package dev.culprit.jobs;

import dev.culprit.events.Alert;
import dev.culprit.events.AccessTally;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.PhpMail;
import dev.culprit.rules.clock.ClockSkewWatch;
import dev.culprit.rules.dos.DosDetector;
import dev.culprit.rules.mail.MailAbuseDetector;
import dev.culprit.events.CpuSample;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.DiskSample;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.events.ProcessIoSample;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.jobs.serde.ReceivedEvent;
import dev.culprit.rules.iowait.IoWaitDetector;
import dev.culprit.rules.RuleSet;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * Culprit's detection job: host events in, alerts out. It is handed its source and sinks, so the
 * embedded runtime wires Kafka and H2, and a test wires whatever it needs.
 */
public final class CulpritJob {

    /** How far behind the newest event an event may arrive and still be in order. */
    public static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    /** After this long without data a source split stops holding the watermark back. */
    public static final Duration IDLENESS = Duration.ofSeconds(5);

    /** The host events: from Kafka (with the bytes each came as) or from an archive. */
    private final Function<StreamExecutionEnvironment, HostEvents> hostEvents;
    private final List<Sink<Alert>> alertSinks;
    private final Sink<DeadLetter> deadLetterSink;
    private final RuleSet rules;
    private final Source<RuleSet, ?, ?> ruleUpdates;
    private final DetectorFunction.Input input;

    /**
     * The job on Kafka.
     *
     * @param rules the rules in force at start
     * @param ruleUpdates rules pushed while the job runs ({@code culprit rules push}), or null
     * @param rawEventSink where the host events are kept, as received, for {@code culprit capture}; or null
     */
    public CulpritJob(Source<ReceivedEvent, ?, ?> source, List<Sink<Alert>> alertSinks, Sink<DeadLetter> deadLetterSink,
                      RuleSet rules, Source<RuleSet, ?, ?> ruleUpdates, Sink<EncodedEvent> rawEventSink) {
        this(env -> received(env, source, rawEventSink), alertSinks, deadLetterSink, rules, ruleUpdates, DetectorFunction.Input.LIVE);
    }

    /** The job on captured events ({@code culprit replay}): nothing is kept but what {@code alertSinks} keep. */
    public static CulpritJob replaying(Source<Event, ?, ?> archive, List<Sink<Alert>> alertSinks, RuleSet rules) {
        // one reader: an archive's events reach the job in the order the source holds them
        return new CulpritJob(env -> new HostEvents(env.fromSource(archive, watermarks(), "host-events", JsonTypeInfo.of(Event.class))
                .setParallelism(1).uid("host-events"), null), alertSinks, null, rules, null, DetectorFunction.Input.ARCHIVE);
    }

    private CulpritJob(Function<StreamExecutionEnvironment, HostEvents> hostEvents, List<Sink<Alert>> alertSinks,
                       Sink<DeadLetter> deadLetterSink, RuleSet rules, Source<RuleSet, ?, ?> ruleUpdates,
                       DetectorFunction.Input input) {
        this.hostEvents = hostEvents;
        this.alertSinks = List.copyOf(alertSinks);
        this.deadLetterSink = deadLetterSink;
        this.rules = rules;
        this.ruleUpdates = ruleUpdates;
        this.input = input;
    }

    /**
     * The host events, and where they come from Kafka, the flags of hosts whose clock is far from
     * the broker's (null in a replay, where the time Kafka took an event in says nothing of its host).
     */
    private record HostEvents(DataStream<Event> events, DataStream<Alert> clockFlags) {}

    private static HostEvents received(StreamExecutionEnvironment env, Source<ReceivedEvent, ?, ?> source,
                                              Sink<EncodedEvent> rawEventSink) {
        WatermarkStrategy<ReceivedEvent> watermarks = WatermarkStrategy.<ReceivedEvent>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                .withTimestampAssigner((received, recordTs) -> received.event().ts())
                .withIdleness(IDLENESS);
        DataStream<ReceivedEvent> received = env.fromSource(source, watermarks, "host-events", JsonTypeInfo.of(ReceivedEvent.class))
                .uid("host-events");
        if (rawEventSink != null) {
            // Chained to the source, so one host's events (Kafka key = host) reach one writer, bytes untouched.
            received.filter(r -> !(r.event() instanceof DeadLetter)).name("host-events-kept")
                    .map(ReceivedEvent::asReceived, JsonTypeInfo.of(EncodedEvent.class)).name("as-received")
                    .sinkTo(rawEventSink).name("raw-events").uid("raw-events");
        }
        DataStream<Alert> clockFlags = received
                .flatMap((ReceivedEvent r, Collector<ClockSkewFunction.Heard> out) -> ClockSkewFunction.Heard.of(r).ifPresent(out::collect),
                        JsonTypeInfo.of(ClockSkewFunction.Heard.class)).name("host-clock-readings")
                .keyBy(ClockSkewFunction.Heard::host, Types.STRING)
                .process(new ClockSkewFunction(), JsonTypeInfo.of(Alert.class))
                .name("clock-watch").uid("clock-watch");
        return new HostEvents(received.map(ReceivedEvent::event, JsonTypeInfo.of(Event.class)).name("decoded"), clockFlags);
    }

    /**
     * The shape of the job's state ({@link StateFingerprint}): checkpoints of one shape resume a
     * job of that shape only.
     */
    public static String stateFingerprint() {
        return StateFingerprint.of(Event.class, RuleSet.class, IoWaitDetector.State.class, DosDetector.State.class,
                MailAbuseDetector.State.class, IncidentLinker.Spans.class, HostClock.class, ClockSkewWatch.State.class);
    }

    private static WatermarkStrategy<Event> watermarks() {
        return WatermarkStrategy.<Event>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                .withTimestampAssigner((event, recordTs) -> event.ts())
                .withIdleness(IDLENESS);
    }

    /** Pushed rules; without a rules source, a stream that ends at once (its end holds no watermark back). */
    private DataStream<RuleSet> ruleStream(StreamExecutionEnvironment env) {
        if (ruleUpdates == null) {
            return env.fromData(JsonTypeInfo.of(RuleSet.class), rules).name("rules-at-start");
        }
        WatermarkStrategy<RuleSet> idleMostOfTheTime = WatermarkStrategy.<RuleSet>forMonotonousTimestamps().withIdleness(IDLENESS);
        return env.fromSource(ruleUpdates, idleMostOfTheTime, "rule-updates", JsonTypeInfo.of(RuleSet.class))
                .uid("rule-updates");
    }

    /**
     * How the job survives failures, wherever it runs (the embedded runtime, a session cluster): it
     * never gives up after a number of failures, since detection for every host rides on it (a burst
     * once used up three restarts and left the hosts unwatched); restarts back off to a minute apart, so
     * a failure that persists costs a log line a minute, not a loop. A sink waiting out a database that
     * refuses writes holds checkpoints back: a pause to wait through, not a failure to restart for.
     */
    public static void surviveFailures(Configuration conf) {
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, Integer.MAX_VALUE);
    }

    public void build(StreamExecutionEnvironment env) {
        // Every stateful operator has a fixed uid, so that a restored checkpoint finds its state by name.
        HostEvents ingested = hostEvents.apply(env);
        DataStream<Event> events = ingested.events();

        BroadcastStream<RuleSet> rulesInForce = ruleStream(env).broadcast(DetectorFunction.RULES);

        DataStream<Alert> ioWaitAlerts = events
                .filter(e -> e instanceof CpuSample || e instanceof DiskSample || e instanceof ProcessIoSample)
                .name("io-samples")
                .keyBy(Event::host, Types.STRING)
                .connect(rulesInForce)
                .process(new DetectorFunction<>(rules, r -> new IoWaitDetector(r.iowait()), input), JsonTypeInfo.of(Alert.class))
                .name("iowait-detector").uid("iowait-detector");

        DataStream<Alert> dosAlerts = events
                .filter(e -> e instanceof ApacheStatus || e instanceof EvasiveEvent || e instanceof AccessTally)
                .name("web-server-events")
                .keyBy(Event::host, Types.STRING)
                .connect(rulesInForce)
                .process(new DetectorFunction<>(rules, r -> new DosDetector(r.dos()), input), JsonTypeInfo.of(Alert.class))
                .name("dos-detector").uid("dos-detector");

        DataStream<Alert> mailAlerts = events
                .filter(e -> e instanceof PhpMail || e instanceof ApacheStatus)
                .name("mail-events")
                .keyBy(Event::host, Types.STRING)
                .connect(rulesInForce)
                .process(new DetectorFunction<>(rules, r -> new MailAbuseDetector(r.mail()), input), JsonTypeInfo.of(Alert.class))
                .name("mail-detector").uid("mail-detector");

        DataStream<Alert> alerts = ioWaitAlerts.union(dosAlerts, mailAlerts)
                .keyBy(Alert::host, Types.STRING)
                .process(new IncidentLinker(), JsonTypeInfo.of(Alert.class))
                .name("incident-linker").uid("incident-linker");
        if (ingested.clockFlags() != null) {
            // not linked: a flag's times are Kafka's, the host's other incidents' are the host's own
            alerts = alerts.union(ingested.clockFlags());
        }
        for (Sink<Alert> sink : alertSinks) {
            String name = sink.getClass().getSimpleName();
            alerts.sinkTo(sink).name(name).uid("alerts-to-" + name);
        }
        if (deadLetterSink != null) {
            events.filter(e -> e instanceof DeadLetter)
                    .map(e -> (DeadLetter) e, JsonTypeInfo.of(DeadLetter.class))
                    .name("dead-letters")
                    .sinkTo(deadLetterSink)
                    .name("dead-letter-topic").uid("dead-letter-topic");
        }
    }
}
