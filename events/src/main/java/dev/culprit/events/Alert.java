package dev.culprit.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A change in an incident's life: it started, its culprits or severity changed, or it ended.
 * One ongoing condition gives one {@code firing}, a few {@code update}s and one {@code resolved}.
 */
public record Alert(
        String host, String source, long ts, int v,
        State state, Incident incident) implements Event {

    public enum State {
        @JsonProperty("firing") FIRING,
        @JsonProperty("update") UPDATE,
        @JsonProperty("resolved") RESOLVED
    }

    public Alert {
        Schema.requireCommon(host, source, v);
        Schema.requireField(state, "state");
        Schema.requireField(incident, "incident");
    }
}
