package io.smtpprobe.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.engine.dns.MxResolution;
import io.smtpprobe.engine.dns.MxResolver;
import io.smtpprobe.engine.smtp.SmtpTarget;
import io.smtpprobe.report.Findings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The whole run's deadline, with a prober that answers at once for some servers and never for others. */
class RunDeadlineTest {

    private final List<ProbeOptions> started = new CopyOnWriteArrayList<>();

    private final MxResolver resolver = new MxResolver() {
        @Override
        public CompletionStage<MxResolution> resolve(String domain) {
            return CompletableFuture.completedFuture(new MxResolution(domain, DnsStatus.Ok, List.of(
                    new MxHost("mx1." + domain, 10, false, List.of(ip(domain.startsWith("fast") ? "192.0.2.1" : "192.0.2.2")), null),
                    new MxHost("mx2." + domain, 20, false, List.of(ip("192.0.2.3")), null)), null));
        }

        @Override
        public CompletionStage<MxHost> resolveHost(String host, int preference) {
            throw new UnsupportedOperationException();
        }
    };

    private ProbeReport run(Duration runTimeout, String... domains) {
        DefaultProbeRunner runner = new DefaultProbeRunner(resolver, (target, options) -> {
            started.add(options);
            if (target.address().getHostAddress().equals("192.0.2.1")) {
                return Future.succeededFuture(target.resultBuilder().stage(Stage.RcptTo).reply(Reply.of(250, List.of("ok")))
                        .reason(Reason.Accepted).build());
            }
            // a tarpit whose dialogue never ends by itself: only the run's cut ends the run
            return Promise.<io.smtpprobe.core.ServerResult>promise().future();
        }, EgressPolicy.unrestricted(), new HostLimiter(1));
        ProbeOptions options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null,
                Timeouts.DEFAULT, Limits.DEFAULT);
        ProbeRequest request = new ProbeRequest(List.of(domains), List.of(), 25, MxPolicy.Preferred, options)
                .withRunTimeout(runTimeout);
        return runner.run(request).toCompletableFuture().join();
    }

    @Test
    void theRunEndsAtItsDeadlineWithTheFinishedDomainsAndTheOthersMarked() {
        long start = System.nanoTime();

        ProbeReport report = run(Duration.ofMillis(500), "fast.test", "tarpit1.test", "tarpit2.test", "tarpit3.test");

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isBetween(Duration.ofMillis(500), Duration.ofMillis(500).plus(DefaultProbeRunner.GRACE).plusMillis(700));
        assertThat(report.domains()).extracting(DomainResult::domain)
                .containsExactly("fast.test", "tarpit1.test", "tarpit2.test", "tarpit3.test");
        assertThat(report.domains().get(0).reason()).isEqualTo(Reason.Accepted);
        assertThat(report.notFinished()).hasSize(3).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo(Reason.RunDeadlineExceeded);
            assertThat(d.result()).isEqualTo(Outcome.TransientFailure);
            assertThat(d.detail()).isEqualTo("run deadline of 500ms reached before this domain finished");
            assertThat(d.mx()).hasSize(2);
        });
        assertThat(report.reason()).isEqualTo(Reason.RunDeadlineExceeded);
        assertThat(Findings.domain(report.domains().get(1)))
                .startsWith("tarpit1.test: run deadline of 500ms reached before this domain finished");
    }

    @Test
    void everyDialogueGetsAtMostWhatIsLeftOfTheRun() {
        run(Duration.ofMillis(300), "tarpit.test");

        assertThat(started).isNotEmpty().allSatisfy(o -> {
            assertThat(o.timeouts().total()).isLessThanOrEqualTo(Duration.ofMillis(300));
            assertThat(o.timeouts().connect()).isLessThanOrEqualTo(Duration.ofMillis(300));
            assertThat(o.timeouts().command()).isLessThanOrEqualTo(Duration.ofMillis(300));
        });
    }

    @Test
    void theDerivedDeadlineIsTwoDialoguesAndTheGreylistWaitAtMostAnHour() {
        ProbeOptions options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null,
                Timeouts.DEFAULT, Limits.DEFAULT);
        ProbeRequest request = new ProbeRequest(List.of("a.test"), List.of(), 25, MxPolicy.Preferred, options);

        assertThat(request.runDeadline()).isEqualTo(Duration.ofMinutes(4));
        assertThat(request.withGreylistRetry(Duration.ofMinutes(5)).runDeadline()).isEqualTo(Duration.ofMinutes(9));
        assertThat(request.withGreylistRetry(Duration.ofHours(2)).runDeadline()).isEqualTo(ProbeRequest.MAX_RUN_TIMEOUT);
        assertThat(request.withRunTimeout(Duration.ofSeconds(30)).runDeadline()).isEqualTo(Duration.ofSeconds(30));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
