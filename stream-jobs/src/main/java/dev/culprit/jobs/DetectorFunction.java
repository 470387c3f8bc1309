package dev.culprit.jobs;

import dev.culprit.events.Alert;
import dev.culprit.events.Event;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.rules.Detector;
import dev.culprit.rules.RuleSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts one plain-Java {@link Detector} per host. The detector's memory lives in keyed state;
 * the rules it judges by arrive on a broadcast stream and apply from the next event on.
 *
 * <p>Event time is each host's own ({@link HostClock}), never the job's watermark: the watermark
 * is the slowest of all hosts sharing a Kafka partition, so one host's clock running ahead, or one
 * host's backlog, would make every other host's events late or hold them back. A host's events wait
 * in keyed state until all of its streams have passed them by {@link CulpritJob#OUT_OF_ORDERNESS},
 * so a replay at any speed, or a burst that arrives out of order, gives the detector the same
 * sequence. An event that arrives behind its host's time is late: it is counted (metric
 * {@code lateEvents}) and still judged at once, never dropped.
 *
 * <p>While an incident is open it is checked every {@value #TICK_MS} ms of the host's time, so a
 * host that goes quiet still sees its incident resolve. When the host sends nothing at all, its
 * time stands still; then, after {@link #SILENT_HOST_MS} of wall-clock time, its time is taken to run
 * on at the wall clock's pace from where it stopped, and never behind the wall clock: a collector
 * that died must not leave its host's incident open, nor a host that has shipped its backlog. That
 * holds for {@link Input#LIVE} input only: in a replay ({@link Input#ARCHIVE}) one host's stream
 * may be quiet for a long wall-clock time while other hosts' events go through, and its time must
 * not jump to today. The job's watermark matters only at the end of a bounded input (a replay):
 * there every host's waiting events are judged and its open incidents run on to their end.
 */
public final class DetectorFunction<S> extends KeyedBroadcastProcessFunction<String, Event, RuleSet, Alert> {

    /** The rules in force, the same for every host and every detection. */
    public static final MapStateDescriptor<String, RuleSet> RULES =
            new MapStateDescriptor<>("rules-in-force", Types.STRING, JsonTypeInfo.of(RuleSet.class));
    private static final String CURRENT = "current";
    private static final Logger LOG = LoggerFactory.getLogger(DetectorFunction.class);
    /** While an incident is open, the host's time is checked this often even when the host sends nothing. */
    static final long TICK_MS = 5_000;
    /**
     * Wall-clock time without a word from a host after which its time is taken to run on with the
     * clock: twice the time after which one of its streams counts as gone quiet.
     */
    static final long SILENT_HOST_MS = 2 * CulpritJob.IDLENESS.toMillis();
    /** A stream of a host silent this long (wall clock) no longer holds back the host's other streams. */
    static final long STREAM_IDLE_MS = CulpritJob.IDLENESS.toMillis();
    /**
     * A stream this far (event time) behind the host's newest no longer holds back the others: a
     * kind of event that stopped in a replay, where the wall clock barely moves, would otherwise keep
     * the rest of the replay waiting in memory. Its later events, if any, are judged as late.
     */
    static final long STREAM_LAG_LIMIT_MS = 5 * 60_000;
    /**
     * The order of one host's events of one instant: by kind, and of one kind as they came. Events of
     * one kind come from one topic and so, for one host, from one partition, in the order the host sent
     * them; events of different kinds come through different partitions, in whichever order the job
     * reads them. Judged by kind, the same events make the same incidents whether they come live,
     * from an archive, or over a cluster after a failover (a disk sample judged before or after its
     * instant's CPU sample moved an I/O-wait incident's start by a second).
     */
    private static final Comparator<Event> SAME_INSTANT_ORDER = Comparator.comparing(e -> e.getClass().getName());
    /** At the end of a bounded input, an open incident is run on at most this long past the host's last event. */
    private static final long END_OF_INPUT_HORIZON_MS = 24 * 3_600_000L;

    /** Where the events come from, which decides whether the wall clock may move a host's time. */
    public enum Input {
        /** Collectors sending now: a host that falls silent has its time run on with the wall clock. */
        LIVE,
        /**
         * An archive (a replay): only the archive's own times count, and its end ends every host's
         * time. The wall clock says how fast the replay goes, never what it finds.
         */
        ARCHIVE
    }

    private final RuleSet initialRules;
    private final DetectorFactory<S> factory;
    private final Input input;
    private transient MapState<Long, List<Event>> pending;
    /**
     * Each host's waiting timestamps in order, beside {@link #pending} (which stays the truth, and
     * what a checkpoint holds): a release no longer scans every waiting timestamp to find the few
     * that are due — in a flood that scan, at every event, was a fifth of a replay's time. Rebuilt
     * from {@code pending} for a host the first time this task instance sees it (after a restore).
     */
    private transient Map<String, NavigableSet<Long>> waitingTimes;
    private transient ValueState<S> memory;
    private transient ValueState<HostClock> clock;
    private transient MapState<Long, Boolean> ticks;
    private transient Counter lateEvents;
    /** When (wall clock) this task first did anything: a restored host's silence counts from here. */
    private transient long startedAtMs;

    public DetectorFunction(RuleSet initialRules, DetectorFactory<S> factory, Input input) {
        this.initialRules = initialRules;
        this.factory = factory;
        this.input = input;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending-events", Types.LONG, new ListTypeInfo<>(JsonTypeInfo.of(Event.class))));
        memory = getRuntimeContext().getState(new ValueStateDescriptor<>(
                "detector-memory", JsonTypeInfo.of(factory.forRules(initialRules).stateType())));
        clock = getRuntimeContext().getState(new ValueStateDescriptor<>("host-clock", JsonTypeInfo.of(HostClock.class)));
        ticks = getRuntimeContext().getMapState(new MapStateDescriptor<>("host-ticks", Types.LONG, Types.BOOLEAN));
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
        waitingTimes = new HashMap<>();
        startedAtMs = Long.MIN_VALUE;
    }

    private long startedAt(long wallMs) {
        if (startedAtMs == Long.MIN_VALUE) {
            startedAtMs = wallMs;
        }
        return startedAtMs;
    }

    @Override
    public void processElement(Event event, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        TimerService timers = ctx.timerService();
        long wall = timers.currentProcessingTime();
        startedAt(wall);
        HostClock host = hostClock();
        Detector<S> detector = factory.forRules(rulesIn(ctx.getBroadcastState(RULES)));
        if (event.ts() <= host.released()) {
            lateEvents.inc();
            judge(event, detector, out);
            if (detector.wantsTicks(memory.value())) {
                ticks.put(nextTick(event.ts()), true);
            }
        } else {
            List<Event> atTs = pending.get(event.ts());
            if (atTs == null) {
                atTs = new ArrayList<>();
            }
            atTs.add(event);
            pending.put(event.ts(), atTs);
            waitingTimes(ctx.getCurrentKey()).add(event.ts());
        }
        host = host.heard(event.getClass().getSimpleName(), event.ts(), wall);
        clock.update(host);
        release(judgeableTo(host, wall), ctx.getCurrentKey(), detector, out);
        // the end of a bounded input judges what still waits; one timer per host, however often registered
        timers.registerEventTimeTimer(Long.MAX_VALUE);
        watch(timers, detector);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Detector<S> detector = factory.forRules(rulesIn(ctx.getBroadcastState(RULES)));
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            if (timestamp == Long.MAX_VALUE) {
                endOfInput(ctx.getCurrentKey(), detector, out);
            }
            return;
        }
        HostClock host = hostClock();
        // streams gone quiet stop holding the others back
        release(judgeableTo(host, timestamp), ctx.getCurrentKey(), detector, out);
        host = hostClock();
        S current = memory.value();
        // this task's own downtime (a restore) is not the host's silence
        long silentFor = timestamp - Math.max(host.heardAt(), startedAt(timestamp));
        if (input == Input.LIVE && current != null && detector.wantsTicks(current) && host.heardAt() != Long.MIN_VALUE
                && silentFor >= SILENT_HOST_MS && pending.isEmpty()) {
            // The host sent nothing for a while: its time runs on with the wall clock, and is at least the
            // wall clock's (a host that has shipped its backlog, or a replay, has nothing more to say about
            // the past). Its incident is checked at every step on the way, as if the time had passed.
            if (ticks.isEmpty()) {
                ticks.put(nextTick(host.released()), true);
            }
            release(Math.max(host.newest() + silentFor, timestamp), ctx.getCurrentKey(), detector, out);
        }
        watch(ctx.timerService(), detector);
    }

    /** One wall-clock check per host and {@value #TICK_MS} ms while something waits: timers on one instant are one timer. */
    private void watch(TimerService timers, Detector<S> detector) throws Exception {
        S current = memory.value();
        if (!pending.isEmpty() || (current != null && detector.wantsTicks(current))) {
            long now = timers.currentProcessingTime();
            timers.registerProcessingTimeTimer((now / TICK_MS + 1) * TICK_MS);
        }
    }

    /**
     * The host's next check after {@code ts}, on a {@value #TICK_MS} ms grid: every event of an
     * open incident asks for one, and on the grid they are one check, not a chain of checks each.
     */
    private static long nextTick(long ts) {
        return Math.floorDiv(ts, TICK_MS) * TICK_MS + TICK_MS;
    }

    private long judgeableTo(HostClock host, long wall) {
        return host.judgeableTo(wall, startedAt(wall), CulpritJob.OUT_OF_ORDERNESS.toMillis(), STREAM_IDLE_MS, STREAM_LAG_LIMIT_MS);
    }

    /**
     * Judges the host's waiting events up to {@code upTo} in event-time order, with the checks its
     * open incident asks for ({@value #TICK_MS} ms apart) in between, as they fall in time.
     */
    private void release(long upTo, String host, Detector<S> detector, Collector<Alert> out) throws Exception {
        HostClock hostClock = hostClock();
        if (upTo <= hostClock.released()) {
            return;
        }
        NavigableSet<Long> waiting = waitingTimes(host);
        TreeSet<Long> due = new TreeSet<>(waiting.headSet(upTo, true));
        for (Long ts : ticks.keys()) {
            if (ts <= upTo) {
                due.add(ts);
            }
        }
        while (!due.isEmpty()) {
            long ts = due.pollFirst();
            List<Event> events = pending.get(ts);
            if (events != null) {
                pending.remove(ts);
                waiting.remove(ts);
                events.sort(SAME_INSTANT_ORDER);
                for (Event event : events) {
                    judge(event, detector, out);
                }
            }
            ticks.remove(ts);
            S current = memory.value();
            if (current != null && detector.wantsTicks(current)) {
                // The host may have gone quiet: time alone can resolve its incident or release a held-back update.
                Detector.Transition<S> next = detector.onTick(current, host, ts);
                memory.update(next.state());
                next.alerts().forEach(out::collect);
                if (detector.wantsTicks(next.state())) {
                    long tick = nextTick(ts);
                    ticks.put(tick, true);
                    if (tick <= upTo) {
                        due.add(tick);
                    }
                }
            }
        }
        clock.update(hostClock.releasedTo(upTo));
        if (waiting.isEmpty()) {
            waitingTimes.remove(host);
        }
    }

    /** The current host's waiting timestamps, in order. */
    private NavigableSet<Long> waitingTimes(String host) throws Exception {
        NavigableSet<Long> waiting = waitingTimes.get(host);
        if (waiting == null) {
            waiting = new TreeSet<>();
            for (Long ts : pending.keys()) {
                waiting.add(ts);
            }
            waitingTimes.put(host, waiting);
        }
        return waiting;
    }

    /**
     * A bounded input has ended: what waits is judged, and an open incident's checks run on (each
     * check asks for the next while the incident is open) until it ends, within a horizon.
     */
    private void endOfInput(String host, Detector<S> detector, Collector<Alert> out) throws Exception {
        long newest = hostClock().newest();
        if (newest != Long.MIN_VALUE) {
            release(newest + END_OF_INPUT_HORIZON_MS, host, detector, out);
        }
    }

    private HostClock hostClock() throws Exception {
        HostClock host = clock.value();
        return host == null ? HostClock.NEW : host;
    }

    @Override
    public void processBroadcastElement(RuleSet rules, Context ctx, Collector<Alert> out) throws Exception {
        ctx.getBroadcastState(RULES).put(CURRENT, rules);
        LOG.info("rules now in force: {}", rules);
    }

    private void judge(Event event, Detector<S> detector, Collector<Alert> out) throws Exception {
        S current = memory.value();
        Detector.Transition<S> next = detector.onEvent(current == null ? detector.initialState() : current, event);
        memory.update(next.state());
        next.alerts().forEach(out::collect);
    }

    private RuleSet rulesIn(ReadOnlyBroadcastState<String, RuleSet> state) throws Exception {
        RuleSet pushed = state.get(CURRENT);
        return pushed != null ? pushed : initialRules;
    }

    public long lateEventCount() {
        return lateEvents.getCount();
    }
}
