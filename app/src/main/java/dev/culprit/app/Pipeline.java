package dev.culprit.app;

import dev.culprit.collectors.Collector;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.spool.KafkaShipper;
import dev.culprit.events.Alert;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.jobs.CulpritJob;
import dev.culprit.jobs.KafkaEndpoints;
import dev.culprit.jobs.sinks.IncidentStoreSink;
import dev.culprit.jobs.sinks.RawEventSink;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.IncidentStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The live path on one host: collectors publish to the runtime's Kafka, the detection job reads
 * it and writes alerts to Kafka and H2 and hands them to the console and webhook in this JVM.
 * Beside the job, the dead letters on Kafka are kept in H2 and every rule push is said on the
 * console. Closing stops the pieces in the order that loses nothing: collectors first, then the
 * job, then the outlets.
 */
public final class Pipeline implements AutoCloseable {

    /**
     * Replayed alerts are held for their time order until every replayed incident has ended; should
     * one never end (rules that keep it open), they are shown after this long anyway.
     */
    static final Duration REPLAY_HELD_AT_MOST = Duration.ofSeconds(60);

    /**
     * How long a stop waits for the job's savepoint; a job that cannot take one by then (a sink
     * waiting out a database that refuses writes) is cancelled, and the next start resumes from
     * its last checkpoint instead.
     */
    static final Duration SAVEPOINT_WITHIN = Duration.ofSeconds(15);

    private final Collector collector;
    private final JobClient job;
    private final SavedJobState savedState;
    private final InProcessAlerts outlets;
    private final ScheduledExecutorService delivery;
    private final ConsoleAlerts console;
    private final ReplayedAlerts replayed;
    private final DeadLetterKeeper deadLetters;
    private final RuleUpdateNotices ruleUpdates;
    private final Path spool;

    private Pipeline(Collector collector, JobClient job, SavedJobState savedState, InProcessAlerts outlets,
                     ScheduledExecutorService delivery, ConsoleAlerts console, ReplayedAlerts replayed,
                     DeadLetterKeeper deadLetters, RuleUpdateNotices ruleUpdates, Path spool) {
        this.collector = collector;
        this.job = job;
        this.savedState = savedState;
        this.outlets = outlets;
        this.delivery = delivery;
        this.console = console;
        this.replayed = replayed;
        this.deadLetters = deadLetters;
        this.ruleUpdates = ruleUpdates;
        this.spool = spool;
    }

    /**
     * Starts the job, the alert outlets and this host's collectors ({@code collectors} null: none, the
     * events come from collectors elsewhere); {@code outlets} are extra (a webhook). {@code playFirst}
     * goes in before the collectors start; its hosts' alerts are shown as replays ({@link ReplayedAlerts}).
     * Notices (a rule push, new dead letters) go to standard error.
     */
    public static Pipeline start(PipelineRuntime runtime, CollectorConfig collectors, RuleSet rules,
                                 Duration keepEvents, PrintStream alertsOut, boolean colour, List<Consumer<Alert>> outlets,
                                 List<Event> playFirst) throws Exception {
        KafkaAccess kafka = runtime.kafka();
        Consumer<String> notices = line -> System.err.println("culprit: " + line);
        ConsoleAlerts console = new ConsoleAlerts(alertsOut, colour);
        ReplayedAlerts replayed = playFirst.isEmpty() ? null
                : new ReplayedAlerts(playFirst.stream().map(Event::host).collect(Collectors.toSet()), console);
        List<Consumer<Alert>> all = new ArrayList<>(outlets);
        all.add(0, replayed == null ? console : replayed);
        // The job runs in this JVM: its alerts reach the console and webhook directly; the alerts topic is for others.
        // One thread of their own delivers them, so a terminal that is not read never holds up detection.
        ScheduledThreadPoolExecutor delivery = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "culprit-alert-outlets");
            t.setDaemon(true);
            return t;
        });
        delivery.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // at close the replay is released at once
        if (replayed != null) {
            delivery.schedule(replayed::release, REPLAY_HELD_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
        }
        InProcessAlerts toOutlets = new InProcessAlerts(List.of(alert -> delivery.execute(() -> all.forEach(o -> o.accept(alert)))));
        if (runtime.savedState().latest().isEmpty()) {
            reconcile(runtime);
        }
        StreamExecutionEnvironment env = runtime.flink();
        new CulpritJob(
                KafkaEndpoints.source(kafka, "culprit-detection"),
                List.of(KafkaEndpoints.alertSink(kafka, runtime.savedState().alertTransactionPrefix()),
                        new IncidentStoreSink(runtime.database().access()), toOutlets),
                KafkaEndpoints.deadLetterSink(kafka),
                rules,
                KafkaEndpoints.ruleUpdates(kafka, "culprit-detection"),
                new RawEventSink(runtime.database().access(), keepEvents))
                .build(env);
        RuleUpdateNotices ruleUpdates = RuleUpdateNotices.start(kafka, rules, notices);
        JobClient job = env.executeAsync("culprit-detection");
        DeadLetterKeeper deadLetters = DeadLetterKeeper.start(kafka, runtime.database(), keepEvents, notices);
        publish(kafka, playFirst);
        Collector collector = collectors == null ? null
                : Collector.start(collectors, runtime.dataDir(), kafka, Clock.systemUTC());
        return new Pipeline(collector, job, runtime.savedState(), toOutlets, delivery, console, replayed, deadLetters, ruleUpdates,
                Collector.spoolDirectory(runtime.dataDir()));
    }

    /**
     * This run starts with no detector memory (no saved job state, or state of another build's
     * shape): what an earlier run left open is closed first, so that
     * {@code culprit query incidents --open} shows only what this run sees going on.
     */
    private static void reconcile(PipelineRuntime runtime) {
        List<Alert> closed = new IncidentStore(runtime.database()).resolveLeftOpen(System.currentTimeMillis());
        if (!closed.isEmpty()) {
            System.err.println("culprit: " + closed.size() + " incident(s) left open by an earlier run are resolved as '"
                    + IncidentStore.PIPELINE_RESTARTED + "'; one still going on fires again as a new incident");
        }
    }

    /** Events that go in before the collectors start, so that live samples do not overtake them in event time. */
    private static void publish(KafkaAccess kafka, List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        try (var producer = new KafkaProducer<String, byte[]>(kafka.clientConfig(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            for (Event e : events) {
                producer.send(new ProducerRecord<>(Topics.of(e), null, e.ts(), e.host(), EventCodec.encode(e)));
            }
        }
    }

    public long alertsPrinted() {
        return console.printed();
    }

    /** Of {@link #alertsPrinted}, those of replayed events. */
    public long replayedAlertsPrinted() {
        return replayed == null ? 0 : replayed.shown();
    }

    /**
     * Stops the job with a savepoint, without draining it (open incidents stay open in the saved
     * state rather than be closed by the stop): the next start resumes exactly where this one
     * stopped, and the alerts of the last moments are committed to Kafka with the savepoint.
     */
    private void stopJob() {
        try {
            job.stopWithSavepoint(false, savedState.savepointDirectory(job.getJobID()).toUri().toString(),
                    SavepointFormatType.CANONICAL).get(SAVEPOINT_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the local cluster goes away with a job that ended: its result, not its status, says so
            if (job.getJobExecutionResult().isDone()) {
                return; // the job had already failed; Flink reported its cause
            }
            System.err.println("culprit: the detection job took no savepoint within " + SAVEPOINT_WITHIN.toSeconds()
                    + " s (" + (e instanceof TimeoutException ? "timed out" : e.getCause()) + "); it is cancelled, "
                    + "and the next start resumes from its last checkpoint");
        }
        try {
            job.cancel().get();
        } catch (Exception e) {
            // it may have ended meanwhile; Flink reported why
        }
    }

    @Override
    public void close() throws Exception {
        if (collector != null) {
            collector.close();
            KafkaShipper.Backlog left = collector.leftInSpool();
            if (left.records() > 0) {
                System.err.println("culprit: " + (left.exact() ? "" : "up to ") + left.records() + " record(s) wait in the spool "
                        + spool + "; they ship on the next start");
            }
        }
        stopJob();
        ruleUpdates.close();
        deadLetters.close();
        outlets.close();
        if (replayed != null) {
            delivery.execute(replayed::release); // a replay cut short by the stop is still shown, in order
        }
        delivery.shutdown();
        delivery.awaitTermination(5, TimeUnit.SECONDS);
    }
}
