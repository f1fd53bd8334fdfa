package io.smtpprobe.engine.sts;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.TransportSecurityMode;
import io.smtpprobe.engine.ProbeRunner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TransportSecurityRunnerTest {
    private static final ProbeOptions OPTIONS = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Opportunistic,
            false, null, new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5)), Limits.DEFAULT);

    private final List<String> discovered = new ArrayList<>();

    private static DomainResult accepted(String domain) {
        ServerResult s = ServerResult.builder().host("mx." + domain).address("127.0.0.1").port(25).preference(10)
                .stage(Stage.Quit).reason(Reason.Accepted).extensions(List.of("PIPELINING")).build();
        return new DomainResult(domain, Outcome.Success, Reason.Accepted, null,
                List.of(new MxHost("mx." + domain, 10, false, List.of(), null)), List.of(s));
    }

    private static DomainResult nxdomain(String domain) {
        return new DomainResult(domain, Outcome.PermanentFailure, Reason.DnsNameNotFound, "NXDOMAIN", List.of(), List.of());
    }

    private final ProbeRunner dialogues = request -> CompletableFuture.completedFuture(new ProbeReport(Outcome.PermanentFailure,
            Reason.DnsNameNotFound, List.of(accepted("a.test"), nxdomain("gone.test"), accepted("b.test")), List.of("w"), true));

    private TransportSecurityRunner runner(CompletableFuture<StsFinding> goneFinding) {
        return new TransportSecurityRunner(dialogues, domain -> {
            discovered.add(domain);
            if (domain.equals("gone.test")) {
                return goneFinding;
            }
            return CompletableFuture.completedFuture(domain.equals("a.test")
                    ? StsFinding.policy("1", new StsPolicy("enforce", List.of("mx.elsewhere.test"), Duration.ofDays(1)), List.of())
                    : StsFinding.none(List.of()));
        }, TransportSecurityRunner.DaneOutcomes.NONE, Clock.systemUTC());
    }

    private static ProbeRequest request(TransportSecurityMode mode) {
        return new ProbeRequest(List.of("a.test", "gone.test", "b.test"), List.of(), 25, MxPolicy.Preferred, OPTIONS,
                Duration.ZERO, List.of(), null, mode);
    }

    @Test
    void anEnforcedFailureDecidesTheDomainAndTheRunKeepsItsWarningsAndTruncation() {
        // gone.test's discovery never ends: a domain without MX records is not judged, so the run does not wait for it
        ProbeReport report = runner(new CompletableFuture<>()).run(request(TransportSecurityMode.Evaluate)).toCompletableFuture().join();
        assertThat(report.domains().get(0).reason()).isEqualTo(Reason.MtaStsMxMismatch);
        assertThat(report.domains().get(0).transportSecurity().failingMx()).containsExactly("mx.a.test");
        assertThat(report.domains().get(1).transportSecurity()).isNull();
        assertThat(report.domains().get(2).transportSecurity().policyType().wireName()).isEqualTo("no-policy-found");
        assertThat(report.domains().get(2).reason()).isEqualTo(Reason.Accepted);
        assertThat(report.reason()).as("the first of the worst").isEqualTo(Reason.MtaStsMxMismatch);
        assertThat(report.warnings()).containsExactly("w");
        assertThat(report.truncated()).isTrue();
        assertThat(discovered).containsExactly("a.test", "gone.test", "b.test");
    }

    @Test
    void ignoreAndNamedServersLookNothingUp() {
        runner(new CompletableFuture<>()).run(request(TransportSecurityMode.Ignore)).toCompletableFuture().join();
        ProbeRequest servers = new ProbeRequest(List.of("a.test"), List.of(new HostPort("127.0.0.1", 25, "127.0.0.1:25")), 25, MxPolicy.Preferred,
                OPTIONS, Duration.ZERO, List.of(), null, TransportSecurityMode.Evaluate);
        runner(new CompletableFuture<>()).run(servers).toCompletableFuture().join();
        assertThat(discovered).isEmpty();
    }

    @Test
    void daneOutcomesPerServerAreKeyedByTheirHost() {
        var outcome = new io.smtpprobe.core.DaneOutcome(io.smtpprobe.core.DaneOutcome.Status.MATCH, List.of("3 1 1 ab"), null);
        var byHost = TransportSecurityRunner.DaneOutcomes.perServer(s -> s.host().startsWith("mx.a") ? outcome : null)
                .of(accepted("a.test"));
        assertThat(byHost).containsExactly(java.util.Map.entry("mx.a.test", outcome));
    }

    @Test
    void cancellingTheRunCancelsTheDialogues() {
        CompletableFuture<ProbeReport> dialogue = new CompletableFuture<>();
        var runner = new TransportSecurityRunner(request -> dialogue, domain -> new CompletableFuture<>(),
                TransportSecurityRunner.DaneOutcomes.NONE, Clock.systemUTC());
        runner.run(request(TransportSecurityMode.Evaluate)).toCompletableFuture().cancel(true);
        assertThat(dialogue).isCancelled();
    }
}
