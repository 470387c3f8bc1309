package dev.culprit.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kinds of trouble Culprit names a culprit for. */
public enum IncidentKind {
    @JsonProperty("iowait") IOWAIT,
    @JsonProperty("dos") DOS,
    @JsonProperty("mail") MAIL,
    /** Not trouble on the host but in what it says: its clock is far from Culprit's. */
    @JsonProperty("clock") CLOCK
}
