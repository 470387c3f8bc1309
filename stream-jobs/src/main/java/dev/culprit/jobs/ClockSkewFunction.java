package dev.culprit.jobs;

import dev.culprit.events.Alert;
import dev.culprit.events.DeadLetter;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.jobs.serde.ReceivedEvent;
import dev.culprit.rules.Detector;
import dev.culprit.rules.clock.ClockSkewWatch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import java.util.Optional;
import org.apache.flink.util.Collector;

/**
 * Runs one {@link ClockSkewWatch} per host on the events as Kafka took them in. Only a live job
 * has this: in a replay the time Kafka took an event in says nothing about the host's clock.
 */
public final class ClockSkewFunction extends KeyedProcessFunction<String, ClockSkewFunction.Heard, Alert> {

    /** The two clocks' word on one event: all this function needs, so little travels to it. */
    public record Heard(String host, long eventTs, long kafkaTs) {

        /** What {@code received} says of its host's clock, if anything: not without the broker's time nor for a dead letter. */
        static Optional<Heard> of(ReceivedEvent received) {
            if (received.kafkaTs() == null || received.event() instanceof DeadLetter) {
                return Optional.empty();
            }
            return Optional.of(new Heard(received.event().host(), received.event().ts(), received.kafkaTs()));
        }
    }

    private final ClockSkewWatch watch = new ClockSkewWatch();
    private transient ValueState<ClockSkewWatch.State> state;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("clock-watch", JsonTypeInfo.of(ClockSkewWatch.State.class)));
    }

    @Override
    public void processElement(Heard heard, Context ctx, Collector<Alert> out) throws Exception {
        boolean wasOpen = watch.wantsSilenceCheck(current());
        Detector.Transition<ClockSkewWatch.State> next =
                watch.onEvent(current(), ctx.getCurrentKey(), heard.eventTs(), heard.kafkaTs());
        apply(next, out);
        if (!wasOpen && watch.wantsSilenceCheck(next.state())) {
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + ClockSkewWatch.SILENT_MS);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Detector.Transition<ClockSkewWatch.State> next = watch.onSilence(current(), ctx.getCurrentKey(), timestamp);
        apply(next, out);
        if (watch.wantsSilenceCheck(next.state())) {
            long due = next.state().windowEnd() + ClockSkewWatch.SILENT_MS;
            ctx.timerService().registerProcessingTimeTimer(Math.max(due, timestamp + 1_000));
        }
    }

    private ClockSkewWatch.State current() throws Exception {
        ClockSkewWatch.State s = state.value();
        return s == null ? ClockSkewWatch.State.NEW : s;
    }

    private void apply(Detector.Transition<ClockSkewWatch.State> next, Collector<Alert> out) throws Exception {
        state.update(next.state());
        next.alerts().forEach(out::collect);
    }
}
