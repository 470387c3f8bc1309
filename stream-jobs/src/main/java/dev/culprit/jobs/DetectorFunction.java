package dev.culprit.jobs;

import dev.culprit.events.Alert;
import dev.culprit.events.Event;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.rules.Detector;
import dev.culprit.rules.RuleSet;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Events wait in keyed state until the watermark passes their timestamp, so a replay at any
 * speed, or a burst that arrives out of order, gives the detector the same sequence. An event
 * that arrives behind the watermark is late: it is counted (metric {@code lateEvents}) and still
 * judged at once, never dropped.
 *
 * <p>While a host has an incident open, event time is checked every {@value #TICK_MS} ms, so a
 * host that goes quiet still sees its incident resolve. When every source is quiet, event time
 * itself stands still; then, after {@value #STALL_MS} ms of wall-clock time without the watermark
 * moving, event time is taken to run on at the wall clock's pace from where it stopped: a
 * collector that died must not leave its host's incident open until another host speaks.
 */
public final class DetectorFunction<S> extends KeyedBroadcastProcessFunction<String, Event, RuleSet, Alert> {

    /** The rules in force, the same for every host and every detection. */
    public static final MapStateDescriptor<String, RuleSet> RULES =
            new MapStateDescriptor<>("rules-in-force", Types.STRING, JsonTypeInfo.of(RuleSet.class));
    private static final String CURRENT = "current";
    private static final Logger LOG = LoggerFactory.getLogger(DetectorFunction.class);
    /** While an incident is open, event time is checked this often even when the host sends nothing. */
    static final long TICK_MS = 5_000;
    /** Wall-clock time without watermark progress after which event time is taken to run on with the clock. */
    static final long STALL_MS = 30_000;

    private final RuleSet initialRules;
    private final DetectorFactory<S> factory;
    private transient MapState<Long, List<Event>> pending;
    private transient ValueState<S> memory;
    private transient Counter lateEvents;
    private transient long watermarkSeen;
    private transient long watermarkMovedAtMs;

    public DetectorFunction(RuleSet initialRules, DetectorFactory<S> factory) {
        this.initialRules = initialRules;
        this.factory = factory;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending-events", Types.LONG, new ListTypeInfo<>(JsonTypeInfo.of(Event.class))));
        memory = getRuntimeContext().getState(new ValueStateDescriptor<>(
                "detector-memory", JsonTypeInfo.of(factory.forRules(initialRules).stateType())));
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
        watermarkSeen = Long.MIN_VALUE;
    }

    @Override
    public void processElement(Event event, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        noteWatermark(ctx.timerService());
        if (event.ts() <= ctx.timerService().currentWatermark()) {
            lateEvents.inc();
            Detector<S> detector = factory.forRules(rulesIn(ctx.getBroadcastState(RULES)));
            judge(event, detector, out);
            if (detector.wantsTicks(memory.value())) {
                ctx.timerService().registerEventTimeTimer(event.ts() + TICK_MS);
                watchForStall(ctx.timerService());
            }
            return;
        }
        List<Event> atTs = pending.get(event.ts());
        if (atTs == null) {
            atTs = new ArrayList<>();
            // One timer per distinct timestamp: it fires once the watermark has passed it.
            ctx.timerService().registerEventTimeTimer(event.ts());
        }
        atTs.add(event);
        pending.put(event.ts(), atTs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        noteWatermark(ctx.timerService());
        Detector<S> detector = factory.forRules(rulesIn(ctx.getBroadcastState(RULES)));
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            onWallClock(timestamp, ctx, detector, out);
            return;
        }
        List<Event> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            for (Event event : due) {
                judge(event, detector, out);
            }
        }
        S current = memory.value();
        if (current != null && detector.wantsTicks(current)) {
            // The host may have gone quiet: time alone can resolve its incident or release a held-back update.
            Detector.Transition<S> next = detector.onTick(current, ctx.getCurrentKey(), timestamp);
            memory.update(next.state());
            next.alerts().forEach(out::collect);
            if (detector.wantsTicks(next.state())) {
                ctx.timerService().registerEventTimeTimer(timestamp + TICK_MS);
            }
        }
        if (detector.wantsTicks(memory.value())) {
            watchForStall(ctx.timerService());
        }
    }

    /** While event time stands still, it is moved on with the wall clock from where it stopped. */
    private void onWallClock(long wallMs, OnTimerContext ctx, Detector<S> detector, Collector<Alert> out) throws Exception {
        S current = memory.value();
        if (current == null || !detector.wantsTicks(current)) {
            return;
        }
        long stalledFor = wallMs - watermarkMovedAtMs;
        if (watermarkSeen != Long.MIN_VALUE && stalledFor >= STALL_MS) {
            Detector.Transition<S> next = detector.onTick(current, ctx.getCurrentKey(), watermarkSeen + stalledFor);
            memory.update(next.state());
            next.alerts().forEach(out::collect);
        }
        if (detector.wantsTicks(memory.value())) {
            watchForStall(ctx.timerService());
        }
    }

    /** One wall-clock check per host and {@value #TICK_MS} ms: timers on the same instant are one timer. */
    private static void watchForStall(TimerService timers) {
        long now = timers.currentProcessingTime();
        timers.registerProcessingTimeTimer((now / TICK_MS + 1) * TICK_MS);
    }

    private void noteWatermark(TimerService timers) {
        if (timers.currentWatermark() > watermarkSeen) {
            watermarkSeen = timers.currentWatermark();
            watermarkMovedAtMs = timers.currentProcessingTime();
        }
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
