package io.smtpprobe.engine;

import io.smtpprobe.core.Cidr;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.MxPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.engine.dns.MxResolution;
import io.smtpprobe.engine.dns.MxResolver;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.report.Findings;
import io.smtpprobe.engine.smtp.SmtpTarget;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class DefaultProbeRunnerTest {

    private final Map<String, MxResolution> dns = new HashMap<>();
    private final Map<String, Reason> verdictByAddress = new HashMap<>();
    private final List<SmtpTarget> connected = new ArrayList<>();

    private final MxResolver resolver = new MxResolver() {
        @Override
        public CompletionStage<MxResolution> resolve(String domain) {
            return CompletableFuture.completedFuture(dns.get(domain));
        }

        @Override
        public CompletionStage<MxHost> resolveHost(String host, int preference) {
            return CompletableFuture.completedFuture(new MxHost(host, preference, false, List.of(ip("192.0.2.99")), null));
        }
    };

    private ProbeReport run(EgressPolicy policy, MxPolicy mxPolicy, String... domains) {
        DefaultProbeRunner runner = new DefaultProbeRunner(resolver, (target, options) -> {
            connected.add(target);
            Reason reason = verdictByAddress.getOrDefault(target.address().getHostAddress(), Reason.Accepted);
            Reply reply = switch (reason) {
                case Accepted -> Reply.of(250, List.of("2.1.5 Ok"));
                case RecipientUnknown -> Reply.of(550, List.of("5.1.1 <postmaster@x.test>: User unknown"));
                case Greylisted -> Reply.of(450, List.of("4.7.1 greylisted"));
                default -> null;
            };
            Stage stage = reply == null ? Stage.Connect : Stage.RcptTo;
            return Future.succeededFuture(target.resultBuilder().stage(stage).reply(reply).reason(reason)
                    .dsnSupported(true).build());
        }, policy, new HostLimiter(4));
        ProbeOptions options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null,
                Timeouts.DEFAULT, Limits.DEFAULT);
        return runner.run(new ProbeRequest(List.of(domains), List.of(), 25, mxPolicy, options)).toCompletableFuture().join();
    }

    private void mx(String domain, MxHost... hosts) {
        dns.put(domain, new MxResolution(domain, DnsStatus.Ok, List.of(hosts), null));
    }

    private static MxHost host(String name, int pref, String... addresses) {
        return new MxHost(name, pref, false, java.util.Arrays.stream(addresses).map(DefaultProbeRunnerTest::ip).toList(), null);
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByAddress(Cidr.literalBytes(literal));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void preferredPolicyMovesPastUnreachableServersLikeAnMta() {
        mx("contoso.test", host("mx1.contoso.test", 10, "192.0.2.1"), host("mx2.contoso.test", 20, "192.0.2.2"));
        verdictByAddress.put("192.0.2.1", Reason.ConnectRefused);

        ProbeReport report = run(EgressPolicy.unrestricted(), MxPolicy.Preferred, "contoso.test");

        DomainResult d = report.domains().get(0);
        assertThat(d.result()).isEqualTo(Outcome.Success);
        assertThat(d.servers()).extracting(ServerResult::reason).containsExactly(Reason.ConnectRefused, Reason.Accepted);
        assertThat(Findings.domain(d)).contains("mx2.contoso.test (192.0.2.2:25) accepted").contains("1 other server failed");
    }

    @Test
    void preferredPolicyStopsAtTheFirstServerThatGivesAVerdict() {
        mx("fabrikam.test", host("mx1.fabrikam.test", 10, "192.0.2.1"), host("mx2.fabrikam.test", 20, "192.0.2.2"));
        verdictByAddress.put("192.0.2.1", Reason.RecipientUnknown);

        DomainResult d = run(EgressPolicy.unrestricted(), MxPolicy.Preferred, "fabrikam.test").domains().get(0);

        assertThat(d.reason()).isEqualTo(Reason.RecipientUnknown);
        assertThat(connected).hasSize(1);
        assertThat(Findings.domain(d)).isEqualTo("fabrikam.test: mx1.fabrikam.test (192.0.2.1:25) RCPT 550 5.1.1 <postmaster@x.test>: User unknown");
    }

    @Test
    void allPolicyProbesEveryHostAndTheWorstDecides() {
        mx("contoso.test", host("mx1.contoso.test", 10, "192.0.2.1"), host("mx2.contoso.test", 20, "192.0.2.2"));
        verdictByAddress.put("192.0.2.2", Reason.Greylisted);

        ProbeReport report = run(EgressPolicy.unrestricted(), MxPolicy.All, "contoso.test");

        assertThat(connected).hasSize(2);
        assertThat(report.result()).isEqualTo(Outcome.TransientFailure);
        assertThat(report.reason()).isEqualTo(Reason.Greylisted);
    }

    @Test
    void forbiddenAddressesAreReportedWithoutConnecting() {
        mx("evil.test", host("metadata.evil.test", 10, "169.254.169.254"));

        DomainResult d = run(EgressPolicy.operatorDefault(), MxPolicy.Preferred, "evil.test").domains().get(0);

        assertThat(connected).isEmpty();
        assertThat(d.reason()).isEqualTo(Reason.PolicyBlocked);
        assertThat(d.servers().get(0).detail()).isEqualTo("link-local 169.254.0.0/16 is denied by policy");
    }

    @Test
    void aRefusalNamesTheRuleButNeverTheInternalAddress() {
        mx("inside.test", host("mx.inside.test", 10, "10.42.0.7"));

        DomainResult d = run(EgressPolicy.operatorDefault(), MxPolicy.Preferred, "inside.test").domains().get(0);

        assertThat(connected).isEmpty();
        assertThat(d.reason()).isEqualTo(Reason.PolicyBlocked);
        assertThat(d.servers().get(0).detail()).isEqualTo("private 10.0.0.0/8 is denied by policy");
        assertThat(d.servers().get(0).address()).isNull();
        assertThat(Findings.domain(d)).doesNotContain("10.42.0.7");
    }

    @Test
    void dnsOutcomesMapToTheirReasonsWithoutConnecting() {
        dns.put("nosuch.test", new MxResolution("nosuch.test", DnsStatus.NameNotFound, List.of(), "NXDOMAIN for nosuch.test"));
        dns.put("nullmx.test", new MxResolution("nullmx.test", DnsStatus.NullMx, List.of(), "null MX"));
        dns.put("slow.test", new MxResolution("slow.test", DnsStatus.Timeout, List.of(), "timeout"));

        ProbeReport report = run(EgressPolicy.unrestricted(), MxPolicy.Preferred, "nosuch.test", "nullmx.test", "slow.test");

        assertThat(report.domains()).extracting(DomainResult::reason)
                .containsExactly(Reason.DnsNameNotFound, Reason.NullMx, Reason.DnsTimeout);
        assertThat(report.result()).isEqualTo(Outcome.PermanentFailure);
        assertThat(Findings.domain(report.domains().get(0))).isEqualTo("nosuch.test: DNS NXDOMAIN for nosuch.test");
        assertThat(connected).isEmpty();
    }

    @Test
    void dnsServerFailuresAndTimeoutsAreTransientLikeForAnMta() {
        dns.put("servfail.test", new MxResolution("servfail.test", DnsStatus.ServerFailure, List.of(), "SERVFAIL"));
        dns.put("slow.test", new MxResolution("slow.test", DnsStatus.Timeout, List.of(), "timeout"));

        ProbeReport report = run(EgressPolicy.unrestricted(), MxPolicy.Preferred, "servfail.test", "slow.test");

        assertThat(report.domains()).extracting(DomainResult::reason)
                .containsExactly(Reason.DnsServerFailure, Reason.DnsTimeout);
        assertThat(report.domains()).extracting(DomainResult::result)
                .containsOnly(Outcome.TransientFailure);
        assertThat(report.result()).isEqualTo(Outcome.TransientFailure);
        assertThat(connected).isEmpty();
    }

    @Test
    void nxdomainNullMxAndAMixedNullMxArePermanent() {
        dns.put("nosuch.test", new MxResolution("nosuch.test", DnsStatus.NameNotFound, List.of(), "NXDOMAIN for nosuch.test"));
        dns.put("nullmx.test", new MxResolution("nullmx.test", DnsStatus.NullMx, List.of(), "null MX"));
        dns.put("mixed.test", new MxResolution("mixed.test", DnsStatus.NullMxMixed, List.of(), "null MX beside others"));

        ProbeReport report = run(EgressPolicy.unrestricted(), MxPolicy.Preferred, "nosuch.test", "nullmx.test", "mixed.test");

        assertThat(report.domains()).extracting(DomainResult::reason)
                .containsExactly(Reason.DnsNameNotFound, Reason.NullMx, Reason.NullMxMisconfigured);
        assertThat(report.domains()).extracting(DomainResult::result).containsOnly(Outcome.PermanentFailure);
        assertThat(connected).isEmpty();
    }

    @Test
    void anMxHostWhoseAddressLookupFailedIsTransientWhenNoOtherHostDecides() {
        mx("flaky.test", new MxHost("mx1.flaky.test", 10, false, List.of(), DnsStatus.ServerFailure),
                new MxHost("mx2.flaky.test", 20, false, List.of(), DnsStatus.Timeout));

        DomainResult d = run(EgressPolicy.unrestricted(), MxPolicy.Preferred, "flaky.test").domains().get(0);

        assertThat(d.servers()).extracting(ServerResult::reason).containsExactly(Reason.DnsServerFailure, Reason.DnsTimeout);
        assertThat(d.reason()).isEqualTo(Reason.DnsServerFailure);
        assertThat(d.result()).isEqualTo(Outcome.TransientFailure);
        assertThat(connected).isEmpty();
    }

    @Test
    void anMxHostWithoutAddressIsReportedAndTheNextIsTried() {
        mx("stale.test", new MxHost("gone.stale.test", 10, false, List.of(), DnsStatus.NameNotFound),
                host("mx2.stale.test", 20, "192.0.2.2"));

        DomainResult d = run(EgressPolicy.unrestricted(), MxPolicy.Preferred, "stale.test").domains().get(0);

        assertThat(d.servers()).extracting(ServerResult::reason).containsExactly(Reason.MxHostNotFound, Reason.Accepted);
    }

    @Test
    void theDefaultRecipientIsPostmasterOfEachDomain() {
        mx("a.test", host("mx.a.test", 10, "192.0.2.1"));
        List<List<String>> recipients = new ArrayList<>();
        DefaultProbeRunner runner = new DefaultProbeRunner(resolver, (target, options) -> {
            recipients.add(options.rcptTo());
            return Future.succeededFuture(ServerResult.builder().host(target.host()).address("192.0.2.1").port(25)
                    .preference(10).stage(Stage.Quit).reply(Reply.of(250, List.of("ok"))).reason(Reason.Accepted).build());
        }, EgressPolicy.unrestricted(), new HostLimiter(1));
        ProbeOptions options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null,
                Timeouts.DEFAULT, Limits.DEFAULT);
        runner.run(new ProbeRequest(List.of("a.test"), List.of(), 25, MxPolicy.Preferred, options)).toCompletableFuture().join();
        assertThat(recipients).containsExactly(List.of("postmaster@a.test"));
    }

    @Test
    void attemptsPerDomainAreCappedWhateverDnsReturns() {
        List<MxHost> hosts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hosts.add(host("mx" + i + ".many.test", i, "192.0.2." + (i * 4 + 1), "192.0.2." + (i * 4 + 2),
                    "192.0.2." + (i * 4 + 3), "192.0.2." + (i * 4 + 4)));
            for (int k = 1; k <= 4; k++) {
                verdictByAddress.put("192.0.2." + (i * 4 + k), Reason.ConnectTimeout);
            }
        }
        mx("many.test", hosts.toArray(MxHost[]::new));

        run(EgressPolicy.unrestricted(), MxPolicy.Preferred, "many.test");

        assertThat(connected).hasSize(DefaultProbeRunner.MAX_ATTEMPTS_PER_DOMAIN);
    }

    @Test
    void aProbeThatNeverCompletesReleasesItsHostPermitAtTheWatchdog() {
        mx("hang.test", host("mx.hang.test", 10, "192.0.2.1"));
        HostLimiter limiter = new HostLimiter(1);
        DefaultProbeRunner runner = new DefaultProbeRunner(resolver, (target, options) -> io.vertx.core.Promise.<ServerResult>promise().future(),
                EgressPolicy.unrestricted(), limiter);
        ProbeOptions options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null,
                new Timeouts(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100)),
                Limits.DEFAULT);

        // a run deadline beyond the watchdog's, which is what this test is about
        DomainResult d = runner.run(new ProbeRequest(List.of("hang.test"), List.of(), 25, MxPolicy.Preferred, options)
                        .withRunTimeout(java.time.Duration.ofMinutes(1)))
                .toCompletableFuture().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join().domains().get(0);

        // a prober that never completes is our bug, not a slow server
        assertThat(d.reason()).isEqualTo(Reason.InternalError);
        assertThat(limiter.inUse("192.0.2.1|25")).isZero();
    }

    @Test
    void aProberThatFailsOrThrowsIsAnInternalErrorNotTheServersFault() {
        mx("bug.test", host("mx1.bug.test", 10, "192.0.2.1"), host("mx2.bug.test", 20, "192.0.2.2"));
        ProbeOptions options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null,
                Timeouts.DEFAULT, Limits.DEFAULT);
        DefaultProbeRunner runner = new DefaultProbeRunner(resolver, (target, o) -> {
            if (target.host().startsWith("mx1")) {
                return Future.failedFuture(new IllegalStateException("deliberate failure"));
            }
            throw new NullPointerException("deliberate failure");
        }, EgressPolicy.unrestricted(), new HostLimiter(1));

        DomainResult d = runner.run(new ProbeRequest(List.of("bug.test"), List.of(), 25, MxPolicy.Preferred, options))
                .toCompletableFuture().join().domains().get(0);

        assertThat(d.servers()).extracting(ServerResult::reason).containsExactly(Reason.InternalError, Reason.InternalError);
        assertThat(d.servers()).extracting(ServerResult::detail).containsExactly(
                "probe failed: java.lang.IllegalStateException: deliberate failure",
                "probe failed: java.lang.NullPointerException: deliberate failure");
        assertThat(d.reason()).isEqualTo(Reason.InternalError);
        assertThat(d.result()).isEqualTo(Outcome.PermanentFailure);
    }

    /** Timers a test fires by hand: what was scheduled, for how long, and whether it was cancelled. */
    static final class ManualTimers implements Timers {
        final List<java.time.Duration> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();
        int cancelled;

        @Override
        public synchronized Runnable schedule(java.time.Duration delay, Runnable task) {
            delays.add(delay);
            tasks.add(task);
            return () -> {
                synchronized (this) {
                    cancelled++;
                }
            };
        }

        void fire() {
            Runnable task;
            synchronized (this) {
                task = tasks.remove(0);
            }
            task.run();
        }
    }

    /** A server that answers each connection with the next reason of {@code replies} (the last one repeats). */
    private DefaultProbeRunner greylister(ManualTimers timers, Reason... replies) {
        return new DefaultProbeRunner(resolver, (target, options) -> {
            int n = connected.size();
            connected.add(target);
            Reason reason = replies[Math.min(n, replies.length - 1)];
            Reply reply = reason == Reason.Greylisted
                    ? Reply.of(450, List.of("4.7.1 <postmaster@grey.test>: Recipient address rejected: Greylisted, try again later"))
                    : Reply.of(250, List.of("2.1.5 Ok"));
            var transcript = List.of(new io.smtpprobe.core.TranscriptLine(io.smtpprobe.core.TranscriptLine.Direction.Info,
                    "Connected, dialogue " + (n + 1)));
            return Future.succeededFuture(target.resultBuilder().stage(reason == Reason.Greylisted ? Stage.RcptTo : Stage.Quit)
                    .reply(reply).reason(reason).transcript(transcript).build());
        }, EgressPolicy.unrestricted(), new HostLimiter(1), timers, null);
    }

    private static ProbeRequest greylistRequest(String domain, java.time.Duration retry) {
        ProbeOptions options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null,
                Timeouts.DEFAULT, Limits.DEFAULT);
        return new ProbeRequest(List.of(domain), List.of(), 25, MxPolicy.Preferred, options).withGreylistRetry(retry);
    }

    @Test
    void aGreylistedServerIsTriedOnceMoreOnANewConnectionAfterTheDelayAndItsAcceptanceCounts() {
        mx("grey.test", host("mx.grey.test", 10, "192.0.2.1"), host("mx2.grey.test", 20, "192.0.2.2"));
        ManualTimers timers = new ManualTimers();

        CompletableFuture<ProbeReport> run = greylister(timers, Reason.Greylisted, Reason.Accepted)
                .run(greylistRequest("grey.test", java.time.Duration.ofMinutes(5))).toCompletableFuture();

        // waiting: no thread is held, nothing is decided, the backup MX is not tried instead
        assertThat(run).isNotDone();
        assertThat(timers.delays).containsExactly(java.time.Duration.ofMinutes(5));
        assertThat(connected).hasSize(1);
        timers.fire();

        DomainResult d = run.join().domains().get(0);
        assertThat(connected).extracting(t -> t.address().getHostAddress()).containsExactly("192.0.2.1", "192.0.2.1");
        assertThat(d.result()).isEqualTo(Outcome.Success);
        assertThat(d.servers()).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(Reason.Accepted);
            assertThat(s.greylistRetriedAfter()).isEqualTo(java.time.Duration.ofMinutes(5));
            assertThat(s.transcript()).extracting(Object::toString).containsExactly(
                    "* Connected, dialogue 1", "* greylisted; retrying on a new connection after 5m", "* Connected, dialogue 2");
        });
        assertThat(Findings.domain(d)).isEqualTo("grey.test: mx.grey.test (192.0.2.1:25) greylisted, accepted on retry after 5m (250 2.1.5 Ok)");
    }

    @Test
    void aServerThatGreylistsTheRetryTooIsGreylistedAndTransient() {
        mx("grey.test", host("mx.grey.test", 10, "192.0.2.1"));
        ManualTimers timers = new ManualTimers();

        CompletableFuture<ProbeReport> run = greylister(timers, Reason.Greylisted)
                .run(greylistRequest("grey.test", java.time.Duration.ofSeconds(90))).toCompletableFuture();
        timers.fire();

        DomainResult d = run.join().domains().get(0);
        assertThat(connected).hasSize(2);
        assertThat(timers.tasks).as("tried once more, not again and again").isEmpty();
        assertThat(d.reason()).isEqualTo(Reason.Greylisted);
        assertThat(d.result()).isEqualTo(Outcome.TransientFailure);
        assertThat(Findings.domain(d)).endsWith("Greylisted, try again later (greylisted again on retry after 1m30s)");
    }

    @Test
    void withoutARetryDelayAGreylistedServerIsReportedAtOnce() {
        mx("grey.test", host("mx.grey.test", 10, "192.0.2.1"));
        ManualTimers timers = new ManualTimers();

        DomainResult d = greylister(timers, Reason.Greylisted, Reason.Accepted)
                .run(greylistRequest("grey.test", java.time.Duration.ZERO)).toCompletableFuture().join().domains().get(0);

        assertThat(d.reason()).isEqualTo(Reason.Greylisted);
        assertThat(connected).hasSize(1);
        assertThat(timers.delays).isEmpty();
        assertThat(d.servers().get(0).greylistRetriedAfter()).isNull();
    }

    @Test
    void cancellingTheRunCancelsTheWaitingRetrySoItNeverConnects() {
        mx("grey.test", host("mx.grey.test", 10, "192.0.2.1"));
        ManualTimers timers = new ManualTimers();
        CompletableFuture<ProbeReport> run = greylister(timers, Reason.Greylisted, Reason.Accepted)
                .run(greylistRequest("grey.test", java.time.Duration.ofMinutes(5))).toCompletableFuture();

        // what the operator does on a new spec, a lost lease or shutdown
        run.cancel(true);

        assertThat(timers.cancelled).isEqualTo(1);
        timers.fire(); // a timer that fires anyway, racing the cancel, must not start a dialogue
        assertThat(connected).hasSize(1);
    }

    @Test
    void aRetryWaitsOnARealTimerWithoutHoldingAThread() {
        mx("grey.test", host("mx.grey.test", 10, "192.0.2.1"));
        List<Reason> replies = new ArrayList<>(List.of(Reason.Greylisted, Reason.Accepted));
        DefaultProbeRunner runner = new DefaultProbeRunner(resolver, (target, options) -> {
            connected.add(target);
            Reason reason = replies.remove(0);
            return Future.succeededFuture(target.resultBuilder().stage(Stage.RcptTo).reason(reason)
                    .reply(reason == Reason.Accepted ? Reply.of(250, List.of("2.1.5 Ok")) : Reply.of(451, List.of("4.7.1 greylisted"))).build());
        }, EgressPolicy.unrestricted(), new HostLimiter(1));
        long start = System.nanoTime();

        DomainResult d = runner.run(greylistRequest("grey.test", java.time.Duration.ofMillis(300)))
                .toCompletableFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join().domains().get(0);

        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(300));
        assertThat(d.reason()).isEqualTo(Reason.Accepted);
        assertThat(d.servers().get(0).greylistRetriedAfter()).isEqualTo(java.time.Duration.ofMillis(300));
    }

    @Test
    void theOperatorsRetryDelayIsBoundedByTheInterval() {
        assertThat(GreylistRetry.boundedBy(java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(10)))
                .isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(GreylistRetry.boundedBy(java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(1)))
                .isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(GreylistRetry.boundedBy(java.time.Duration.ZERO, java.time.Duration.ofMinutes(1))).isZero();
    }

    @Test
    void connectFailuresAreEgressBlockedWhenTheControlTargetFailsToo() {
        mx("down.test", host("mx1.down.test", 10, "192.0.2.1"), host("mx2.down.test", 20, "192.0.2.2"));
        verdictByAddress.put("192.0.2.1", Reason.ConnectTimeout);
        verdictByAddress.put("192.0.2.2", Reason.ConnectRefused);
        List<HostPort> controlled = new ArrayList<>();
        EgressCheck egress = new EgressCheck(new EgressCheck.Settings(new HostPort("control.test", 25), 1,
                java.time.Duration.ofMinutes(1), java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(5)),
                (target, timeout) -> {
                    controlled.add(target);
                    return CompletableFuture.completedFuture("ConnectTimeout: connection timed out");
                }, java.time.Clock.systemUTC());

        DomainResult d = runWith(egress, "down.test").domains().get(0);

        assertThat(controlled).hasSize(1);
        assertThat(d.servers()).extracting(ServerResult::reason).containsExactly(Reason.EgressBlocked, Reason.EgressBlocked);
        assertThat(d.reason()).isEqualTo(Reason.EgressBlocked);
        assertThat(d.result()).isEqualTo(Outcome.TransientFailure);
        assertThat(d.servers().get(0).detail()).startsWith(
                "our side: the control target control.test:25 is unreachable too (ConnectTimeout: connection timed out)");
    }

    @Test
    void aDomainWithOneReachableServerNeverAsksTheControlTarget() {
        mx("half.test", host("mx1.half.test", 10, "192.0.2.1"), host("mx2.half.test", 20, "192.0.2.2"));
        verdictByAddress.put("192.0.2.1", Reason.ConnectRefused);
        verdictByAddress.put("192.0.2.2", Reason.RecipientUnknown);
        List<HostPort> controlled = new ArrayList<>();
        EgressCheck egress = new EgressCheck(new EgressCheck.Settings(new HostPort("control.test", 25), 1,
                java.time.Duration.ofMinutes(1), java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(5)),
                (target, timeout) -> {
                    controlled.add(target);
                    return CompletableFuture.completedFuture("refused");
                }, java.time.Clock.systemUTC());

        DomainResult d = runWith(egress, "half.test").domains().get(0);

        assertThat(controlled).isEmpty();
        assertThat(d.servers()).extracting(ServerResult::reason).containsExactly(Reason.ConnectRefused, Reason.RecipientUnknown);
    }

    private ProbeReport runWith(EgressCheck egress, String... domains) {
        DefaultProbeRunner runner = new DefaultProbeRunner(resolver, (target, options) -> {
            connected.add(target);
            Reason reason = verdictByAddress.getOrDefault(target.address().getHostAddress(), Reason.Accepted);
            Reply reply = reason == Reason.RecipientUnknown ? Reply.of(550, List.of("5.1.1 unknown")) : null;
            return Future.succeededFuture(target.resultBuilder().stage(reply == null ? Stage.Connect : Stage.RcptTo)
                    .reply(reply).reason(reason).detail(reply == null ? "Connection refused: /" + target.address().getHostAddress() : null)
                    .build());
        }, EgressPolicy.unrestricted(), new HostLimiter(4), new ManualTimers(), egress);
        ProbeOptions options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null,
                Timeouts.DEFAULT, Limits.DEFAULT);
        return runner.run(new ProbeRequest(List.of(domains), List.of(), 25, MxPolicy.Preferred, options)).toCompletableFuture().join();
    }

    @Test
    void anInvalidServerCannotReachTheEngine() {
        // Requests carry parsed servers; the validator refuses 999.1.1.1 (InputValidatorTest), and a
        // request built by hand cannot name it either, so the engine never looks it up as a name.
        assertThatThrownBy(() -> new HostPort("999.1.1.1", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostPort("mx.test\r\nQUIT", 25)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostPort("mx.test", 70000)).isInstanceOf(IllegalArgumentException.class);
    }
}
