package io.smtpprobe.operator.status;

import static io.smtpprobe.operator.controller.Reports.accepted;
import static io.smtpprobe.operator.controller.Reports.domain;
import static io.smtpprobe.operator.controller.Reports.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.TransportSecurity;
import io.smtpprobe.core.TransportSecurity.PolicyType;
import io.smtpprobe.core.TransportSecurity.ResultType;
import io.smtpprobe.operator.controller.MutableClock;
import io.smtpprobe.operator.controller.ResourceKey;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transportSecurity block in .status, the TransportSecure condition and the metrics, from fabricated results. */
class TransportSecureStatusTest {
    final SmtpProbeStatusAggregator aggregator = new SmtpProbeStatusAggregator(new MutableClock(Instant.parse("2026-01-01T10:00:00Z")));

    private static DomainResult judged(String name, TransportSecurity t) {
        return domain(name, accepted("mx1." + name)).withTransportSecurity(t);
    }

    private static TransportSecurity sts(String mode, ResultType result, Reason reason, boolean enforced) {
        return new TransportSecurity(PolicyType.STS, mode, "20260101", result, result == ResultType.SUCCESS ? List.of() : List.of("mx1.x.test"),
                List.of("mailto:tlsrpt@x.test"), reason, reason == null ? null : "mx1.x.test: certificate does not name mx1.x.test", enforced);
    }

    private static final TransportSecurity ENFORCED_OK = sts("enforce", ResultType.SUCCESS, null, false);
    private static final TransportSecurity NONE = new TransportSecurity(PolicyType.NO_POLICY_FOUND, null, null, ResultType.SUCCESS,
            List.of(), List.of(), null, null, false);

    @Test
    void theDomainBlockSaysPolicyTypeModeIdResultFailingMxAndRua() {
        var failing = sts("enforce", ResultType.CERTIFICATE_HOST_MISMATCH, Reason.MtaStsTlsFailed, true);
        var status = aggregator.probed(report(judged("x.test", failing)), null, 1, Duration.ofMinutes(5));
        var block = status.domains().get(0).transportSecurity();
        assertThat(block.policyType()).isEqualTo("sts");
        assertThat(block.mode()).isEqualTo("enforce");
        assertThat(block.policyId()).isEqualTo("20260101");
        assertThat(block.result()).isEqualTo("certificate-host-mismatch");
        assertThat(block.failingMx()).containsExactly("mx1.x.test");
        assertThat(block.tlsRptRua()).containsExactly("mailto:tlsrpt@x.test");
        assertThat(block.reason()).isEqualTo("MtaStsTlsFailed");
        assertThat(block.enforced()).isTrue();
        // enforced: the domain fails although its server accepted, and says why in the one renderer's words
        assertThat(status.reason()).isEqualTo("MtaStsTlsFailed");
        assertThat(status.message()).isEqualTo("x.test: MTA-STS enforce (id 20260101): certificate-host-mismatch at "
                + "mx1.x.test: certificate does not name mx1.x.test (enforced: a sending MTA would not deliver)");
        var condition = Conditions.find(status.conditions(), Conditions.TRANSPORT_SECURE).orElseThrow();
        assertThat(condition.getStatus()).isEqualTo("False");
        assertThat(condition.getReason()).isEqualTo("TransportPolicyFailed");
    }

    @Test
    void everyPolicyMetIsTrueAndADomainWithoutPolicyIsFalse() {
        var met = aggregator.probed(report(judged("a.test", ENFORCED_OK)), null, 1, Duration.ofMinutes(5));
        var condition = Conditions.find(met.conditions(), Conditions.TRANSPORT_SECURE).orElseThrow();
        assertThat(condition.getStatus()).isEqualTo("True");
        assertThat(condition.getReason()).isEqualTo("TransportPolicyMet");
        assertThat(condition.getMessage()).isEqualTo("a.test: MTA-STS enforce (id 20260101): success");

        var unprotected = aggregator.probed(report(judged("a.test", ENFORCED_OK), judged("b.test", NONE)), met, 1,
                Duration.ofMinutes(5));
        condition = Conditions.find(unprotected.conditions(), Conditions.TRANSPORT_SECURE).orElseThrow();
        assertThat(condition.getStatus()).isEqualTo("False");
        assertThat(condition.getReason()).isEqualTo("NoTransportPolicy");
        assertThat(condition.getMessage()).isEqualTo("b.test: no MTA-STS or DANE policy");
        assertThat(unprotected.reason()).as("no policy is no failure of the domain").isEqualTo("Accepted");
    }

    @Test
    void aTestingFailureIsFalseButLeavesReadyAlone() {
        var testing = sts("testing", ResultType.CERTIFICATE_EXPIRED, Reason.MtaStsTlsFailed, false);
        var status = aggregator.probed(report(judged("t.test", testing)), null, 1, Duration.ofMinutes(5));
        assertThat(Conditions.find(status.conditions(), Conditions.TRANSPORT_SECURE).orElseThrow().getReason())
                .isEqualTo("TransportPolicyFailed");
        assertThat(Conditions.find(status.conditions(), Conditions.READY).orElseThrow().getStatus()).isEqualTo("True");
    }

    @Test
    void notEvaluatedMeansNoConditionAndNoBlock() {
        var status = aggregator.probed(report(domain("i.test", accepted("mx1.i.test"))), null, 1, Duration.ofMinutes(5));
        assertThat(Conditions.find(status.conditions(), Conditions.TRANSPORT_SECURE)).isEmpty();
        assertThat(status.domains().get(0).transportSecurity()).isNull();
    }

    @Test
    void metricsCountDomainsByPolicyTypeAndResult() {
        var registry = new SimpleMeterRegistry();
        var failing = sts("enforce", ResultType.CERTIFICATE_HOST_MISMATCH, Reason.MtaStsTlsFailed, true);
        new ProbeMetrics(registry, true).record(ResourceKey.of("ns", "p"),
                report(judged("a.test", ENFORCED_OK), judged("b.test", failing), judged("c.test", NONE)));
        assertThat(registry.get(ProbeMetrics.TRANSPORT_SECURITY).tags("policy_type", "sts", "result", "success").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get(ProbeMetrics.TRANSPORT_SECURITY).tags("policy_type", "sts", "result", "certificate-host-mismatch")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get(ProbeMetrics.TRANSPORT_SECURITY).tags("policy_type", "no-policy-found", "result", "success")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get(ProbeMetrics.TRANSPORT_SECURE).tags("domain", "a.test").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(ProbeMetrics.TRANSPORT_SECURE).tags("domain", "b.test").gauge().value()).isEqualTo(0.0);
        assertThat(registry.get(ProbeMetrics.TRANSPORT_SECURE).tags("domain", "c.test").gauge().value()).isEqualTo(0.0);
    }
}
