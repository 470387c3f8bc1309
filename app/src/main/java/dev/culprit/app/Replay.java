package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.Incident;
import dev.culprit.jobs.CulpritJob;
import dev.culprit.jobs.replay.ArchiveSource;
import dev.culprit.jobs.sinks.IncidentStoreSink;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.TimeOrderedArchive;
import dev.culprit.rules.RuleSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Captured events through the same detection job, in event time, at a chosen speed. */
final class Replay {

    private Replay() {}

    /**
     * @param dataDir whose keystore the local Flink's endpoints require ({@link LocalFlink})
     * @param archive the events, read from its sorted runs as the job takes them
     * @param speed times faster than real time; 0 for as fast as possible
     * @param store where to keep the incidents found, or null to keep none
     * @param progress told how many events the job has taken, about twice a second
     * @return every alert the job sent, in event time order ({@link #incidents} makes incidents of them)
     */
    static List<Alert> run(Path dataDir, TimeOrderedArchive archive, RuleSet rules, double speed, DatabaseAccess store, LongConsumer progress)
            throws Exception {
        String replayId = UUID.randomUUID().toString();
        Queue<Alert> collected = new ConcurrentLinkedQueue<>();
        try (InProcessAlerts collector = new InProcessAlerts(List.of(collected::add))) {
            StreamExecutionEnvironment env = LocalFlink.environment(dataDir);
            List<org.apache.flink.api.connector.sink2.Sink<Alert>> sinks = new ArrayList<>();
            sinks.add(collector);
            if (store != null) {
                sinks.add(new IncidentStoreSink(store));
            }
            CulpritJob.replaying(ArchiveSource.of(archive, speed, replayId), sinks, rules).build(env);
            JobClient job = env.executeAsync("culprit-replay");
            // The local cluster goes away with the job, so ask the result future, not the cluster, whether it is done.
            var result = job.getJobExecutionResult();
            while (!result.isDone()) {
                progress.accept(ArchiveSource.progress(replayId));
                Thread.sleep(500);
            }
            result.get(); // a failed job says why here
            progress.accept(ArchiveSource.progress(replayId));
            // the job's parallel subtasks hand alerts over in any order: the same archive must print the same way
            return collected.stream()
                    .sorted(Comparator.comparingLong(Alert::ts).thenComparing(a -> a.incident().id()).thenComparing(Alert::state))
                    .toList();
        }
    }

    /** Each incident as its last alert left it, with every link any of its alerts carried, by start time. */
    static List<Incident> incidents(List<Alert> alerts) {
        Map<String, Incident> last = new LinkedHashMap<>();
        Map<String, Set<String>> related = new LinkedHashMap<>();
        for (Alert a : alerts) {
            Incident i = a.incident();
            Incident before = last.get(i.id());
            if (before == null || a.ts() >= before.ts()) {
                last.put(i.id(), i);
            }
            related.computeIfAbsent(i.id(), id -> new LinkedHashSet<>()).addAll(i.related());
        }
        return last.values().stream()
                .map(i -> new Incident(i.host(), i.source(), i.ts(), i.v(), i.id(), i.kind(), i.severity(), i.rule(),
                        i.start(), i.end(), i.resolution(), i.summary(), i.culprits(),
                        related.get(i.id()).stream().sorted().toList()))
                .sorted(Comparator.comparingLong(Incident::start).thenComparing(Incident::id))
                .toList();
    }
}
