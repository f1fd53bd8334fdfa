package io.smtpprobe.operator.status;

import static io.smtpprobe.operator.controller.Reports.accepted;
import static io.smtpprobe.operator.controller.Reports.domain;
import static io.smtpprobe.operator.controller.Reports.report;
import static io.smtpprobe.operator.controller.Reports.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.smtpprobe.api.v1alpha1.DomainStatus;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.api.v1alpha1.ServerStatus;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Stage;
import io.smtpprobe.operator.controller.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatusBudgetTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    final KubernetesSerialization json = new KubernetesSerialization();

    @Test
    void aStatusWithinTheBudgetIsWrittenByteForByteAsWithoutOne() {
        var report = report(domain("contoso.test", accepted("mx1.contoso.test")),
                domain("fabrikam.test", server("mx1.fabrikam.test", Stage.RcptTo, Reason.Greylisted, 451, "4.7.1 Try later"),
                        server("mx2.fabrikam.test", Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown")));
        var without = new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING),
                StatusBudget.unlimited()).probed(report, null, 1, Duration.ofMinutes(5));
        var with = new SmtpProbeStatusAggregator(clock).probed(report, null, 1, Duration.ofMinutes(5));

        assertThat(json.asJson(with)).isEqualTo(json.asJson(without)).doesNotContain("truncat");
        assertThat(with.truncated()).isNull();
    }

    @Test
    void acceptedServersLoseTheirDetailsFirstAndTheDecidingFailureKeepsItsOwn() {
        var status = statusOf(5, false);
        var budget = budgetBetween(status, firstStep(status));

        var fitted = budget.fit(status);

        assertThat(fitted.truncated()).isTrue();
        assertThat(fitted.truncation()).startsWith("left out to stay under the status budget: TLS, extensions and latencies of accepted servers;")
                .endsWith(StatusBudget.FULL_RESULT);
        for (DomainStatus d : fitted.domains()) {
            assertThat(d.servers()).hasSize(3);
            assertThat(d.servers().get(0).extensions()).as("accepted").isNull();
            assertThat(d.servers().get(1).extensions()).as("failing, not deciding: not yet").isNotNull();
            assertThat(d.servers().get(2).extensions()).as("deciding").isNotNull();
            assertThat(d.servers().get(0).reply()).as("what the server answered stays").isNotNull();
        }
        assertThat(budget.size(fitted)).isLessThanOrEqualTo(budget.maxBytes());
    }

    @Test
    void thenOtherFailingServersThenEveryServerButTheDecidingOne() {
        var status = statusOf(10, false);
        var afterTwo = StatusBudgetTest.withoutDetails(status, s -> !"RecipientUnknown".equals(s.reason()));
        var budget = budgetBetween(status, onlyDeciding(status));

        var fitted = budget.fit(status);

        assertThat(fitted.truncation()).contains("accepted servers; TLS, extensions and latencies of failing servers but the deciding one; "
                + "servers other than the deciding one;");
        assertThat(fitted.domains()).allSatisfy(d -> {
            assertThat(d.servers()).singleElement().satisfies(s -> {
                assertThat(s.reason()).isEqualTo(d.reason());
                assertThat(s.extensions()).as("the deciding server keeps its details longest").isNotNull();
            });
            assertThat(d.mx()).isNotEmpty();
        });
        assertThat(budget.size(afterTwo)).as("the second step alone was not enough").isGreaterThan(budget.maxBytes());
    }

    @Test
    void domainsGoLastHealthyOnesFirstWithTheirCount() {
        var domains = IntStream.range(0, 100).mapToObj(i -> i % 10 == 0
                ? HostileReports.domain(i, false) : HostileReports.domain(i, true)).toList();
        var status = new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING),
                StatusBudget.unlimited()).probed(new io.smtpprobe.core.ProbeReport(io.smtpprobe.core.Outcome.PermanentFailure,
                        Reason.RecipientUnknown, domains), Expectation.NONE, null, 1, clock.instant(), Duration.ofMinutes(5));
        var budget = new StatusBudget(StatusBudget.MIN_BYTES, json);

        var fitted = budget.fit(status);

        assertThat(budget.size(fitted)).isLessThanOrEqualTo(StatusBudget.MIN_BYTES);
        int kept = fitted.domains().size();
        assertThat(kept).isLessThan(100).isGreaterThan(10);
        assertThat(fitted.truncation()).contains("MX lists and the deciding server's TLS, extensions and latencies; " + (100 - kept) + " of 100 domains;");
        assertThat(fitted.domains()).as("every failing domain outlasts the healthy ones")
                .filteredOn(d -> d.result() != Outcome.Success).hasSize(10);
        assertThat(fitted.domains()).extracting(DomainStatus::domain).as("in spec order")
                .isSortedAccordingTo((a, b) -> Integer.compare(index(a), index(b)));
        assertThat(fitted.result()).isEqualTo(status.result());
        assertThat(fitted.message()).isEqualTo(status.message());
        assertThat(fitted.conditions()).isEqualTo(status.conditions());
    }

    @Test
    void angleBracketsAndAmpersandsCountAsTheSixOctetsTheApiServerStores() {
        assertThat(StatusBudget.storedOctets("{\"a\":\"<&>\"}")).isEqualTo(8 + 18);
        assertThat(StatusBudget.storedOctets("\u00e9\u6f22\ud83d\ude00")).isEqualTo(2 + 3 + 4);
    }

    @Test
    void aBudgetOutsideItsRangeIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new StatusBudget(StatusBudget.MAX_BYTES + 1)).hasMessageContaining("smtpprobe.status-max-bytes");
        assertThatThrownBy(() -> new StatusBudget(StatusBudget.MIN_BYTES - 1)).hasMessageContaining("smtpprobe.status-max-bytes");
    }

    /** Domains of three servers each: accepted, failing, and the deciding failure last; hostile text throughout. */
    private io.smtpprobe.api.v1alpha1.SmtpProbeStatus statusOf(int domains, boolean allAccepted) {
        var results = IntStream.range(0, domains).mapToObj(i -> {
            String name = "d" + i + ".test";
            return domain(name, HostileReports.server("mx1." + name, Reason.Accepted),
                    HostileReports.server("mx2." + name, Reason.Greylisted),
                    HostileReports.server("mx3." + name, allAccepted ? Reason.Accepted : Reason.RecipientUnknown));
        }).toArray(io.smtpprobe.core.DomainResult[]::new);
        return new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING),
                StatusBudget.unlimited()).probed(report(results), null, 1, Duration.ofMinutes(5));
    }

    private io.smtpprobe.api.v1alpha1.SmtpProbeStatus firstStep(io.smtpprobe.api.v1alpha1.SmtpProbeStatus status) {
        return withoutDetails(status, s -> "Accepted".equals(s.reason()));
    }

    private static io.smtpprobe.api.v1alpha1.SmtpProbeStatus onlyDeciding(io.smtpprobe.api.v1alpha1.SmtpProbeStatus status) {
        return status.toBuilder().domains(status.domains().stream().map(d -> new DomainStatus(d.domain(), d.result(), d.reason(),
                d.message(), d.mx(), List.of(StatusBudget.deciding(d)), d.expected(), d.actual(), d.expectationMet())).toList())
                .truncated(true).truncation("x".repeat(300)).build();
    }

    static io.smtpprobe.api.v1alpha1.SmtpProbeStatus withoutDetails(io.smtpprobe.api.v1alpha1.SmtpProbeStatus status,
            java.util.function.Predicate<ServerStatus> which) {
        return status.toBuilder().domains(status.domains().stream().map(d -> new DomainStatus(d.domain(), d.result(), d.reason(),
                d.message(), d.mx(), d.servers().stream().map(s -> which.test(s) ? new ServerStatus(s.host(), s.address(), s.port(),
                        s.preference(), s.stage(), s.reply(), s.reason(), null, null, null) : s).toList(),
                d.expected(), d.actual(), d.expectationMet())).toList()).truncated(true).truncation("x".repeat(300)).build();
    }

    /** A budget the smaller status (with room for its marker) fits and the larger does not. */
    private StatusBudget budgetBetween(io.smtpprobe.api.v1alpha1.SmtpProbeStatus larger, io.smtpprobe.api.v1alpha1.SmtpProbeStatus smaller) {
        var measure = StatusBudget.unlimited();
        long fits = measure.size(smaller);
        assertThat(measure.size(larger)).isGreaterThan(fits);
        assertThat(fits).isBetween((long) StatusBudget.MIN_BYTES, (long) StatusBudget.MAX_BYTES);
        return new StatusBudget((int) fits, json);
    }

    private static int index(String domain) {
        return Integer.parseInt(domain.substring(1, domain.indexOf('x')));
    }
}
