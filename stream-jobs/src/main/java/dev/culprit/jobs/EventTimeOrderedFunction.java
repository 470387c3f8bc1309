package dev.culprit.jobs;

import dev.culprit.events.Event;
import dev.culprit.jobs.serde.JsonTypeInfo;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Hands one host's events to a detector in event-time order. Events wait in keyed state until
 * the watermark passes their timestamp, so a replay at any speed, or a burst that arrives out of
 * order, gives the detector the same sequence.
 *
 * <p>An event that arrives behind the watermark is late: it is counted (metric
 * {@code lateEvents}) and still handed to the detector at once, never dropped.
 */
public abstract class EventTimeOrderedFunction<OUT> extends KeyedProcessFunction<String, Event, OUT> {

    private transient MapState<Long, List<Event>> pending;
    private transient Counter lateEvents;

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending-events", Types.LONG, new ListTypeInfo<>(JsonTypeInfo.of(Event.class))));
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
    }

    @Override
    public final void processElement(Event event, Context ctx, Collector<OUT> out) throws Exception {
        if (event.ts() <= ctx.timerService().currentWatermark()) {
            lateEvents.inc();
            onEvent(event, out);
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
    public final void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        List<Event> due = pending.get(timestamp);
        if (due == null) {
            return;
        }
        pending.remove(timestamp);
        for (Event event : due) {
            onEvent(event, out);
        }
    }

    public long lateEventCount() {
        return lateEvents.getCount();
    }

    /** One event, in event-time order for this key. */
    protected abstract void onEvent(Event event, Collector<OUT> out) throws Exception;
}
