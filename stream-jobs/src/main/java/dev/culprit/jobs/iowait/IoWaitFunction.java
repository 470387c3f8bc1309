package dev.culprit.jobs.iowait;

import dev.culprit.events.Alert;
import dev.culprit.events.Event;
import dev.culprit.jobs.EventTimeOrderedFunction;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.rules.iowait.IoWaitDetector;
import dev.culprit.rules.iowait.IoWaitRule;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/** Hosts the plain-Java {@link IoWaitDetector} for one host, its memory kept in keyed state. */
public final class IoWaitFunction extends EventTimeOrderedFunction<Alert> {

    private final IoWaitRule rule;
    private transient IoWaitDetector detector;
    private transient ValueState<IoWaitDetector.State> state;

    public IoWaitFunction(IoWaitRule rule) {
        this.rule = rule;
    }

    @Override
    public void open(OpenContext openContext) {
        super.open(openContext);
        detector = new IoWaitDetector(rule);
        state = getRuntimeContext().getState(
                new ValueStateDescriptor<>("iowait-detector", JsonTypeInfo.of(IoWaitDetector.State.class)));
    }

    @Override
    protected void onEvent(Event event, Collector<Alert> out) throws Exception {
        IoWaitDetector.State current = state.value();
        IoWaitDetector.Step step = detector.onSample(current == null ? IoWaitDetector.State.EMPTY : current, event);
        state.update(step.state());
        step.alerts().forEach(out::collect);
    }
}
