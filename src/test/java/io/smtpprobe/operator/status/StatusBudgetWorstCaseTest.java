package io.smtpprobe.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.Reason;
import io.smtpprobe.operator.controller.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The largest status a hostile mail server can cause, against the largest spec the CRD admits:
 * together with metadata they must fit in one etcd object, and the status must stay under its
 * budget. Sizes are printed, for the README.
 */
class StatusBudgetWorstCaseTest {
    /** Six octets a character: Go's JSON encoder writes {@code <}, {@code >} and {@code &} as {@code \u003c}. */
    static final int OCTETS_PER_CHARACTER = 6;
    /** int64 with its sign, the widest number the schema can hold. */
    static final int NUMBER_OCTETS = 20;

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    final KubernetesSerialization serialization = new KubernetesSerialization();
    final Expectation expectation = new Expectation(Set.of(Reason.RecipientUnknown), 550, "5.1.1");

    @Test
    void theLargestSpecLeavesRoomForTheLargestStatusBudgetAndMetadata() throws IOException {
        var crd = load(Path.of("crds/smtpprobes.smtpprobe.io-v1.yml"));
        var spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        long specMax = maxOctets("spec", spec);
        System.out.printf("largest spec the CRD admits: %d octets (%.1f KiB)%n", specMax, specMax / 1024.0);

        long metadata = 256 * 1024 + 64 * 1024;
        assertThat(specMax + metadata).as("spec and metadata fit in what StatusBudget reserves for them")
                .isLessThanOrEqualTo(StatusBudget.RESERVED_FOR_SPEC_AND_METADATA);
        assertThat(StatusBudget.MAX_BYTES + StatusBudget.RESERVED_FOR_SPEC_AND_METADATA).isLessThanOrEqualTo(StatusBudget.OBJECT_LIMIT);
        assertThat(StatusBudget.MAX_BYTES).as("safely under 1 MiB").isLessThan(1024 * 1024);
        assertThat(StatusBudget.DEFAULT_BYTES).isBetween(StatusBudget.MIN_BYTES, StatusBudget.MAX_BYTES);
    }

    @Test
    void theWorstStatusOfEveryAcceptingServerStaysUnderTheBudget() {
        worstCase(true);
    }

    @Test
    void theWorstStatusOfEveryFailingServerStaysUnderTheBudget() {
        worstCase(false);
    }

    private void worstCase(boolean accepted) {
        var report = HostileReports.report(accepted);
        var budget = new StatusBudget(StatusBudget.DEFAULT_BYTES, serialization);
        var unbounded = new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING),
                StatusBudget.unlimited()).probed(report, expectation, null, 1, clock.instant(), Duration.ofMinutes(5));
        var fitted = new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING), budget)
                .probed(report, expectation, null, 1, clock.instant(), Duration.ofMinutes(5));

        long started = System.nanoTime();
        budget.fit(unbounded);
        long millis = (System.nanoTime() - started) / 1_000_000;
        long full = budget.size(unbounded);
        long size = budget.size(fitted);
        System.out.printf("worst status, %s: %d octets without a budget, %d with the %d-octet budget (fitted in %d ms); %s%n",
                accepted ? "every server accepting" : "every server failing", full, size, budget.maxBytes(), millis,
                fitted.truncation());
        assertThat(full).as("the case is worth a budget").isGreaterThan(StatusBudget.MAX_BYTES);
        assertThat(size).isLessThanOrEqualTo(budget.maxBytes());
        assertThat(fitted.truncated()).isTrue();
        assertThat(fitted.result()).isEqualTo(unbounded.result());
        assertThat(fitted.reason()).isEqualTo(unbounded.reason());
        assertThat(fitted.message()).isEqualTo(unbounded.message());
        assertThat(fitted.conditions()).isEqualTo(unbounded.conditions());
        assertThat(fitted.consecutiveFailures()).isEqualTo(unbounded.consecutiveFailures());
        assertThat(fitted.warnings()).isEqualTo(unbounded.warnings());
        assertThat(fitted.domains()).as("every domain's summary is kept").hasSize(HostileReports.MAX_DOMAINS);
    }

    /**
     * The history ring at its longest ({@link StatusHistory#MAX_ENTRIES} entries, each with the longest
     * result, reason and latency) on top of the worst failing status: the budget keeps every entry and
     * every domain summary, and the ring's cost is printed for the README.
     */
    @Test
    void aFullHistoryRingOnTheWorstStatusStaysUnderTheBudgetAndIsNeverShortened() {
        var report = HostileReports.report(false);
        var budget = new StatusBudget(StatusBudget.DEFAULT_BYTES, serialization);
        var history = new StatusHistory(StatusHistory.MAX_ENTRIES);
        var aggregator = new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING),
                budget, history);
        String longestReason = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(Reason.values()).map(Enum::name),
                        java.util.Arrays.stream(io.smtpprobe.api.v1alpha1.OperatorReason.values()).map(Enum::name))
                .max(java.util.Comparator.comparingInt(String::length)).orElseThrow();
        var widest = new io.smtpprobe.api.v1alpha1.HistoryEntry("2026-01-01T10:00:00Z",
                io.smtpprobe.api.v1alpha1.Outcome.PermanentFailure, longestReason, false, Long.MAX_VALUE);
        var ring = java.util.Collections.nCopies(StatusHistory.MAX_ENTRIES, widest);
        var previous = SmtpProbeStatus.builder().history(ring).flaps(StatusHistory.MAX_ENTRIES - 1)
                .lastSuccessTime("2026-01-01T09:00:00Z").lastFailureTime("2026-01-01T09:59:00Z").build();

        var fitted = aggregator.probed(report, expectation, previous, 1, clock.instant(), Duration.ofMinutes(5));
        var withoutHistory = new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING),
                budget).probed(report, expectation, null, 1, clock.instant(), Duration.ofMinutes(5));

        long ringOctets = budget.size(fitted.history());
        long defaultRing = budget.size(fitted.history().subList(0, StatusHistory.DEFAULT_ENTRIES));
        System.out.printf("history ring: %d octets at its maximum of %d entries (%d at the default %d); worst failing status "
                + "with it: %d octets of the %d-octet budget, %d domains kept%n", ringOctets, StatusHistory.MAX_ENTRIES,
                defaultRing, StatusHistory.DEFAULT_ENTRIES, budget.size(fitted), budget.maxBytes(), fitted.domains().size());
        assertThat(fitted.history()).hasSize(StatusHistory.MAX_ENTRIES);
        assertThat(fitted.history().get(StatusHistory.MAX_ENTRIES - 1).time()).isEqualTo(fitted.lastProbeTime());
        assertThat(budget.size(fitted)).isLessThanOrEqualTo(budget.maxBytes());
        assertThat(fitted.domains()).as("every domain's summary is kept beside the ring").hasSize(HostileReports.MAX_DOMAINS);
        assertThat(ringOctets).as("the ring is a small fraction of the budget").isLessThan(StatusBudget.MIN_BYTES / 8);

        var smallest = new StatusBudget(StatusBudget.MIN_BYTES, serialization);
        var tight = new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING),
                smallest, history).probed(report, expectation, previous, 1, clock.instant(), Duration.ofMinutes(5));
        assertThat(smallest.size(tight)).isLessThanOrEqualTo(StatusBudget.MIN_BYTES);
        assertThat(tight.history()).as("at the smallest budget domains go, never history").isEqualTo(fitted.history());
        assertThat(withoutHistory.history()).hasSize(1);
    }

    /** The longest JSON a value of this schema can have, or a failure naming a field without a bound. */
    static long maxOctets(String path, JSONSchemaProps schema) {
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
            return schema.getEnum().stream().mapToLong(v -> v.toString().length()).max().orElseThrow();
        }
        String type = schema.getType() == null ? "" : schema.getType();
        switch (type) {
            case "string" -> {
                if (schema.getMaxLength() == null) {
                    fail(path + " has no maxLength: the spec has no upper bound");
                }
                return 2 + schema.getMaxLength() * OCTETS_PER_CHARACTER;
            }
            case "integer", "number" -> {
                return NUMBER_OCTETS;
            }
            case "boolean" -> {
                return "false".length();
            }
            case "array" -> {
                if (schema.getMaxItems() == null) {
                    fail(path + " has no maxItems: the spec has no upper bound");
                }
                return 2 + schema.getMaxItems() * (maxOctets(path + "[]", schema.getItems().getSchema()) + 1);
            }
            case "object" -> {
                if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
                    fail(path + " takes any keys: the spec has no upper bound");
                }
                long octets = 2;
                for (var property : schema.getProperties().entrySet()) {
                    octets += property.getKey().length() + 3 + maxOctets(path + "." + property.getKey(), property.getValue()) + 1;
                }
                return octets;
            }
            default -> {
                fail(path + " has type '" + type + "', which this bound does not know");
                return 0;
            }
        }
    }

    static CustomResourceDefinition load(Path path) throws IOException {
        try (var in = Files.newInputStream(path)) {
            return new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        }
    }
}
