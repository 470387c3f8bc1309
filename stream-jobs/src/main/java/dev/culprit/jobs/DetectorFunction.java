package dev.culprit.jobs;

import dev.culprit.events.Alert;
import dev.culprit.events.Event;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.rules.Detector;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Hosts one plain-Java {@link Detector} per host: the detector's memory lives in keyed state,
 * events reach it in event-time order, and its alerts flow on.
 */
public final class DetectorFunction<S> extends EventTimeOrderedFunction<Alert> {

    private final Detector<S> detector;
    private transient ValueState<S> state;

    public DetectorFunction(Detector<S> detector) {
        this.detector = detector;
    }

    @Override
    public void open(OpenContext openContext) {
        super.open(openContext);
        state = getRuntimeContext().getState(
                new ValueStateDescriptor<>("detector-state", JsonTypeInfo.of(detector.stateType())));
    }

    @Override
    protected void onEvent(Event event, Collector<Alert> out) throws Exception {
        S current = state.value();
        Detector.Transition<S> next = detector.onEvent(current == null ? detector.initialState() : current, event);
        state.update(next.state());
        next.alerts().forEach(out::collect);
    }
}
