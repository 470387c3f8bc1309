package dev.culprit.events;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum Severity {
    @JsonProperty("warning") WARNING,
    @JsonProperty("critical") CRITICAL
}
