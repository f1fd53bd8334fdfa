package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One probe of the ring in {@code .status.history}: identifiers, enum names and numbers only, never
 * server text, so that the ring's size is bounded by its length alone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(
        @JsonPropertyDescription("When the probe completed (RFC 3339).")
        String time,
        Outcome result,
        @JsonPropertyDescription("CamelCase reason of the verdict.")
        String reason,
        @JsonPropertyDescription("Whether the answer was the healthy one (Ready True): accepted or, with spec.expect, as expected.")
        Boolean ready,
        @JsonPropertyDescription("Milliseconds the deciding server's dialogue took (the worst domain's); absent when no server was reached.")
        Long latencyMs) {
}
