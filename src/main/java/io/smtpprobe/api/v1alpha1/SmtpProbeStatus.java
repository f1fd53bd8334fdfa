package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the last probe found. Immutable: the operator computes a new status and compares it with
 * the stored one, so equality must be by value. Timestamps are RFC 3339 strings, as the API
 * server stores them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SmtpProbeStatus(
        @JsonPropertyDescription("The metadata.generation the status was computed for.")
        Long observedGeneration,
        @JsonPropertyDescription("When the last probe completed.")
        String lastProbeTime,
        @JsonPropertyDescription("When the next probe is due; absent while suspended or invalid.")
        String nextProbeTime,
        @JsonPropertyDescription("Verdict of the last probe: the worst domain decides.")
        Outcome result,
        @JsonPropertyDescription("CamelCase reason of the verdict (see the operator's documented reason list).")
        String reason,
        @JsonPropertyDescription("One human line naming the worst finding.")
        String message,
        @JsonPropertyDescription("Standard conditions; Ready is True when every domain accepted the dialogue.")
        List<Condition> conditions,
        @JsonPropertyDescription("Per-domain results of the last probe, without transcripts.")
        List<DomainStatus> domains,
        @JsonPropertyDescription("Number of probes in a row that did not succeed.")
        Integer consecutiveFailures,
        @JsonPropertyDescription("When result last changed.")
        String lastResultChangeTime) {

    public SmtpProbeStatus withoutProbeTimes() {
        return new SmtpProbeStatus(observedGeneration, null, null, result, reason, message, conditions, domains,
                consecutiveFailures, lastResultChangeTime);
    }
}
