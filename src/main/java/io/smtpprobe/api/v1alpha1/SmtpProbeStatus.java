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
        @JsonPropertyDescription("When the last probe completed; with heartbeat set, the last probe whose status was "
                + "written: later probes that found the same verdict were not written.")
        String lastProbeTime,
        @JsonPropertyDescription("When the probe after lastProbeTime is due; absent while suspended or invalid.")
        String nextProbeTime,
        @JsonPropertyDescription("Verdict of the last probe: the worst domain decides.")
        Outcome result,
        @JsonPropertyDescription("CamelCase reason of the verdict (see the operator's documented reason list).")
        String reason,
        @JsonPropertyDescription("One human line naming the worst finding.")
        String message,
        @JsonPropertyDescription("Standard conditions; Ready is True when every domain accepted the dialogue or, "
                + "with spec.expect, when every domain's outcome matched it.")
        List<Condition> conditions,
        @JsonPropertyDescription("Per-domain results of the last probe, without transcripts.")
        List<DomainStatus> domains,
        @JsonPropertyDescription("Number of probes in a row whose Ready was False (not accepted, or with spec.expect, not as expected).")
        Integer consecutiveFailures,
        @JsonPropertyDescription("When result last changed.")
        String lastResultChangeTime,
        @JsonPropertyDescription("Doubtful but valid names in the spec, e.g. a label mixing Latin and Cyrillic letters "
                + "(a possible homograph); they never change the verdict.")
        List<String> warnings,
        @JsonPropertyDescription("True when details were left out to keep the status under the operator's byte budget "
                + "(smtpprobe.status-max-bytes); result, reason, message, conditions and counts are always kept. "
                + "Absent otherwise.")
        Boolean truncated,
        @JsonPropertyDescription("What was left out when truncated, e.g. 'TLS, extensions and latencies of accepted servers; "
                + "97 of 100 domains'; the operator's REST API has the full result.")
        String truncation,
        @JsonPropertyDescription("The last probes, oldest first, at most smtpprobe.status-history of them (default 10): "
                + "time, result, reason, Ready and latency; written with the verdict, in the same status write.")
        List<HistoryEntry> history,
        @JsonPropertyDescription("When a probe last had Ready True.")
        String lastSuccessTime,
        @JsonPropertyDescription("When a probe last had Ready False.")
        String lastFailureTime,
        @JsonPropertyDescription("How often Ready flipped between consecutive entries of history.")
        Integer flaps,
        @JsonPropertyDescription("The operator replica (its pod name) that ran the last probe; with several replicas "
                + "each probes its own share of the resources.")
        String probedBy,
        @JsonPropertyDescription("The operator's smtpprobe.status-heartbeat, e.g. '30m'; absent when every probe is written. "
                + "A probe whose verdict (everything here but times, history, latencies and probedBy) equals this one is "
                + "written only once lastProbeTime is this old; a different verdict is written at once. So lastProbeTime "
                + "is at most the heartbeat plus one interval old while the operator probes; the operator's metrics and "
                + "REST API give every probe.")
        String heartbeat) {

    /** The status before it had a truncation marker: existing callers build an untruncated status. */
    public SmtpProbeStatus(Long observedGeneration, String lastProbeTime, String nextProbeTime, Outcome result, String reason,
            String message, List<Condition> conditions, List<DomainStatus> domains, Integer consecutiveFailures,
            String lastResultChangeTime, List<String> warnings) {
        this(observedGeneration, lastProbeTime, nextProbeTime, result, reason, message, conditions, domains,
                consecutiveFailures, lastResultChangeTime, warnings, null, null);
    }

    /** The status before it kept a history and named the replica that probed. */
    public SmtpProbeStatus(Long observedGeneration, String lastProbeTime, String nextProbeTime, Outcome result, String reason,
            String message, List<Condition> conditions, List<DomainStatus> domains, Integer consecutiveFailures,
            String lastResultChangeTime, List<String> warnings, Boolean truncated, String truncation) {
        this(observedGeneration, lastProbeTime, nextProbeTime, result, reason, message, conditions, domains,
                consecutiveFailures, lastResultChangeTime, warnings, truncated, truncation, null, null, null, null, null, null);
    }

    /** Without what every probe cycle moves: its times, the replica that ran it and the history ring, which gains an entry each cycle. */
    public SmtpProbeStatus withoutProbeTimes() {
        return toBuilder().lastProbeTime(null).nextProbeTime(null)
                .history(null).lastSuccessTime(null).lastFailureTime(null).flaps(null).probedBy(null).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().observedGeneration(observedGeneration).lastProbeTime(lastProbeTime).nextProbeTime(nextProbeTime)
                .result(result).reason(reason).message(message).conditions(conditions).domains(domains)
                .consecutiveFailures(consecutiveFailures).lastResultChangeTime(lastResultChangeTime).warnings(warnings)
                .truncated(truncated).truncation(truncation).history(history).lastSuccessTime(lastSuccessTime)
                .lastFailureTime(lastFailureTime).flaps(flaps).probedBy(probedBy).heartbeat(heartbeat);
    }

    /** Seventeen components are too many to pass by position: the builder names each one. */
    public static final class Builder {
        private Long observedGeneration;
        private String lastProbeTime;
        private String nextProbeTime;
        private Outcome result;
        private String reason;
        private String message;
        private List<Condition> conditions = List.of();
        private List<DomainStatus> domains;
        private Integer consecutiveFailures;
        private String lastResultChangeTime;
        private List<String> warnings;
        private Boolean truncated;
        private String truncation;
        private List<HistoryEntry> history;
        private String lastSuccessTime;
        private String lastFailureTime;
        private Integer flaps;
        private String probedBy;
        private String heartbeat;

        private Builder() {
        }

        public Builder observedGeneration(Long value) {
            observedGeneration = value;
            return this;
        }

        public Builder lastProbeTime(String value) {
            lastProbeTime = value;
            return this;
        }

        public Builder nextProbeTime(String value) {
            nextProbeTime = value;
            return this;
        }

        public Builder result(Outcome value) {
            result = value;
            return this;
        }

        public Builder reason(String value) {
            reason = value;
            return this;
        }

        public Builder message(String value) {
            message = value;
            return this;
        }

        public Builder conditions(List<Condition> value) {
            conditions = value;
            return this;
        }

        public Builder domains(List<DomainStatus> value) {
            domains = value;
            return this;
        }

        public Builder consecutiveFailures(Integer value) {
            consecutiveFailures = value;
            return this;
        }

        public Builder lastResultChangeTime(String value) {
            lastResultChangeTime = value;
            return this;
        }

        /** Null rather than empty, so that a status without warnings shows none. */
        public Builder warnings(List<String> value) {
            warnings = value == null || value.isEmpty() ? null : List.copyOf(value);
            return this;
        }

        public Builder truncated(Boolean value) {
            truncated = value;
            return this;
        }

        public Builder truncation(String value) {
            truncation = value;
            return this;
        }

        /** Null rather than empty, so that a resource never probed shows no history. */
        public Builder history(List<HistoryEntry> value) {
            history = value == null || value.isEmpty() ? null : List.copyOf(value);
            return this;
        }

        public Builder lastSuccessTime(String value) {
            lastSuccessTime = value;
            return this;
        }

        public Builder lastFailureTime(String value) {
            lastFailureTime = value;
            return this;
        }

        public Builder flaps(Integer value) {
            flaps = value;
            return this;
        }

        public Builder probedBy(String value) {
            probedBy = value;
            return this;
        }

        public Builder heartbeat(String value) {
            heartbeat = value;
            return this;
        }

        public SmtpProbeStatus build() {
            return new SmtpProbeStatus(observedGeneration, lastProbeTime, nextProbeTime, result, reason, message, conditions,
                    domains, consecutiveFailures, lastResultChangeTime, warnings, truncated, truncation, history,
                    lastSuccessTime, lastFailureTime, flaps, probedBy, heartbeat);
        }
    }
}
