package io.smtpprobe.engine;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ReportBudget;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.engine.dns.MxResolution;
import io.smtpprobe.engine.dns.MxResolver;
import io.smtpprobe.engine.smtp.SmtpProber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * DNS, then policy, then dialogues, per domain. Addresses come only from the one resolution made
 * here: the engine connects to exactly the address that passed the egress policy. A greylisted
 * server is tried once more after the request's delay ({@link GreylistRetry}); a domain none of
 * whose servers could be reached is judged against the control target when one is configured
 * ({@link EgressCheck}).
 */
public final class DefaultProbeRunner implements ProbeRunner {

    private final MxResolver resolver;
    private final ServerProbe servers;
    private final Timers timers;
    private final EgressCheck egress;
    private final ReportBudget budget;
    /**
     * The run deadline's own timers, apart from the greylist waits': they only complete futures,
     * never start a dialogue, so firing after a Vert.x instance closed is harmless.
     */
    private final Timers deadlineTimers = Timers.jdk();

    /** Greylist retries on the JDK's delayer thread; no control target. */
    public DefaultProbeRunner(MxResolver resolver, SmtpProber prober, EgressPolicy policy, HostLimiter hostLimiter) {
        this(resolver, prober, policy, hostLimiter, Timers.jdk(), null);
    }

    /** @param egress null: connect failures are never checked against a control target */
    public DefaultProbeRunner(MxResolver resolver, SmtpProber prober, EgressPolicy policy, HostLimiter hostLimiter,
                              Timers timers, EgressCheck egress) {
        this.resolver = resolver;
        this.servers = new ServerProbe(prober, policy, hostLimiter);
        this.timers = timers;
        this.egress = egress;
        this.budget = ReportBudget.DEFAULT;
    }

    /**
     * Connection attempts per domain. Ten MX hosts with four addresses each, every one timing out,
     * would otherwise keep a domain busy for forty total deadlines.
     */
    public static final int MAX_ATTEMPTS_PER_DOMAIN = 10;

    /**
     * After the run deadline, how long the run waits for the dialogues it cut short (their own
     * deadlines were shortened to the run's) before it reports without them.
     */
    static final Duration GRACE = Duration.ofSeconds(2);

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        return run(request, ProbeObserver.NONE);
    }

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request, ProbeObserver observer) {
        RunScope scope = new RunScope(timers);
        RunDeadline deadline = RunDeadline.after(request.runDeadline());
        ReportBudget.Meter budget = this.budget.meter();
        List<DomainProgress> progress = new ArrayList<>();
        List<CompletableFuture<DomainResult>> perDomain = new ArrayList<>();
        List<String> targets = request.domains().isEmpty() ? Collections.singletonList(null) : request.domains();
        for (String domain : targets) {
            // Servers without domains: the servers are probed as one unnamed target.
            DomainProgress p = new DomainProgress(label(domain, request));
            progress.add(p);
            perDomain.add(probeDomain(domain, request, new Run(request, options(domain, request), scope, deadline, budget, p, observer))
                    .toCompletableFuture());
        }
        CompletableFuture<ProbeReport> report = new CompletableFuture<>();
        CompletableFuture.allOf(perDomain.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            if (e != null) {
                report.completeExceptionally(e);
            } else {
                report.complete(report(perDomain.stream().map(CompletableFuture::join).toList(), request, budget));
            }
        });
        // At the deadline waiting greylist retries end; a little later the report is made from what finished.
        Runnable stopWaits = deadlineTimers.schedule(deadline.remaining(), scope::endWaits);
        Runnable stopCut = deadlineTimers.schedule(deadline.remaining().plus(GRACE), () -> report.complete(report(
                progressSoFar(perDomain, progress, deadline), request, budget)));
        report.whenComplete((r, e) -> {
            stopWaits.run();
            stopCut.run();
            // Cancelling the run (a new spec, a deleted resource, lost leadership, shutdown) ends its
            // waiting retries and closes the sockets of its dialogues.
            if (report.isCancelled()) {
                scope.cancel();
            }
        });
        return report;
    }

    /** Each domain's result when it has one, otherwise how far it got. */
    private static List<DomainResult> progressSoFar(List<CompletableFuture<DomainResult>> perDomain,
                                                    List<DomainProgress> progress, RunDeadline deadline) {
        List<DomainResult> out = new ArrayList<>();
        for (int i = 0; i < perDomain.size(); i++) {
            CompletableFuture<DomainResult> d = perDomain.get(i);
            out.add(d.isDone() && !d.isCompletedExceptionally() ? d.join() : progress.get(i).unfinished(deadline));
        }
        return out;
    }

    private static ProbeReport report(List<DomainResult> domains, ProbeRequest request, ReportBudget.Meter budget) {
        return report(domains).withWarnings(request.warnings()).withTruncated(budget.truncated());
    }

    private static ProbeOptions options(String domain, ProbeRequest request) {
        return request.options().rcptTo().isEmpty() && domain != null
                ? request.options().withRcptTo(List.of("postmaster@" + domain))
                : request.options();
    }

    private static String label(String domain, ProbeRequest request) {
        return domain != null ? domain : request.servers().stream().map(HostPort::text).collect(Collectors.joining(","));
    }

    static ProbeReport report(List<DomainResult> domains) {
        DomainResult worst = null;
        for (DomainResult d : domains) {
            if (worst == null || d.result().ordinal() > worst.result().ordinal()) {
                worst = d;
            }
        }
        return worst == null
                ? new ProbeReport(Outcome.Success, Reason.Accepted, domains)
                : new ProbeReport(worst.result(), worst.reason(), domains);
    }

    private CompletionStage<DomainResult> probeDomain(String domain, ProbeRequest request, Run run) {
        String label = run.progress.label();
        run.observer.dnsStarted(label);
        if (!request.servers().isEmpty()) {
            return Candidate.resolveServers(resolver, request).thenCompose(hosts -> {
                run.observer.dnsEnded(label, hosts.stream().map(c -> c.host().addressError()).filter(Objects::nonNull)
                        .findFirst().orElse(DnsStatus.Ok));
                return probeHosts(label, hosts, List.of(), run);
            });
        }
        return resolver.resolve(domain).thenCompose(mx -> {
            run.observer.dnsEnded(label, mx.status());
            run.progress.resolved(mx.hosts());
            if (mx.status() != DnsStatus.Ok) {
                return CompletableFuture.completedFuture(dnsFailure(label, mx));
            }
            List<Candidate> hosts = mx.hosts().stream().map(h -> new Candidate(h, request.port(), h.preference())).toList();
            return probeHosts(label, hosts, mx.hosts(), run);
        });
    }

    private CompletionStage<DomainResult> probeHosts(String label, List<Candidate> hosts, List<MxHost> mx, Run run) {
        // one group per host under the all policy, each searched like an MTA; one group of all hosts otherwise
        CompletionStage<List<List<ServerResult>>> tried;
        if (run.request.mxPolicy() == MxPolicy.All) {
            List<CompletableFuture<List<ServerResult>>> all = hosts.stream()
                    .map(h -> attempt(Candidate.attempts(List.of(h)), 0, run, new ArrayList<>()).toCompletableFuture())
                    .toList();
            tried = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
        } else {
            tried = attempt(Candidate.attempts(hosts), 0, run, new ArrayList<>()).thenApply(List::of);
        }
        return tried.thenCompose(groups -> {
            ServerResult deciding = worstDeciding(groups);
            List<ServerResult> servers = run.budget.servers(groups.stream().flatMap(List::stream).toList(), deciding);
            if (run.progress.wasCutShort()) {
                return CompletableFuture.completedFuture(DomainProgress.unfinished(label, mx, servers, run.deadline));
            }
            if (egress == null || !EgressCheck.reachedNoServer(servers)) {
                return CompletableFuture.completedFuture(domainResult(label, mx, servers, deciding));
            }
            return egress.judge(label, servers).thenApply(judged -> domainResult(label, mx, judged,
                    worstDeciding(regroup(groups, judged))));
        });
    }

    /**
     * Like an MTA: addresses in preference order until a server gives a verdict on the mail
     * (accepts or rejects it); connection-level failures move on to the next address.
     */
    private CompletionStage<List<ServerResult>> attempt(List<Attempt> attempts, int index, Run run, List<ServerResult> done) {
        if (index >= attempts.size()) {
            return CompletableFuture.completedFuture(done);
        }
        if (run.deadline.passed()) {
            run.progress.cutShort();
            return CompletableFuture.completedFuture(done);
        }
        Attempt a = attempts.get(index);
        return servers.probe(a, run.options, run.deadline, run.scope.dialogues(), run.observer)
                .thenCompose(first -> first == null ? CompletableFuture.completedFuture(null)
                        : GreylistRetry.ifGreylisted(first, run.request.greylistRetry(), run.scope,
                                () -> servers.probe(a, run.options, run.deadline, run.scope.dialogues(), run.observer)))
                .thenCompose(result -> {
                    if (result == null) {
                        // not started: the deadline passed while it waited for its turn at the server
                        run.progress.cutShort();
                        return CompletableFuture.completedFuture(done);
                    }
                    ServerResult kept = run.budget.admit(result);
                    done.add(kept);
                    run.progress.finished(kept);
                    if (gaveVerdict(result)) {
                        return CompletableFuture.completedFuture(done);
                    }
                    if (run.deadline.passed()) {
                        // this failure may be the run's shortened deadline, not the server's doing
                        run.progress.cutShort();
                        return CompletableFuture.completedFuture(done);
                    }
                    return attempt(attempts, index + 1, run, done);
                });
    }

    /** A server verdict on the mail itself ends the search; being unreachable or refusing service does not. */
    static boolean gaveVerdict(ServerResult result) {
        return result.reason() == Reason.Accepted
                || (result.reason().replyBased() && result.reason() != Reason.ServiceNotAvailable);
    }

    /** The one that gave a verdict, or when none did, the most preferred server's failure. */
    static ServerResult deciding(List<ServerResult> servers) {
        for (ServerResult s : servers) {
            if (gaveVerdict(s)) {
                return s;
            }
        }
        return servers.isEmpty() ? null : servers.get(0);
    }

    /** The worst of each group's deciding server: under the all policy each host counts, the preferred policy has one group. */
    private static ServerResult worstDeciding(List<List<ServerResult>> groups) {
        return groups.stream().map(DefaultProbeRunner::deciding).filter(Objects::nonNull)
                .max(Comparator.comparing(ServerResult::outcome)).orElse(null);
    }

    /** The judged results, in the groups they were tried in. */
    private static List<List<ServerResult>> regroup(List<List<ServerResult>> groups, List<ServerResult> judged) {
        List<List<ServerResult>> out = new ArrayList<>();
        int i = 0;
        for (List<ServerResult> group : groups) {
            out.add(judged.subList(i, i + group.size()));
            i += group.size();
        }
        return out;
    }

    private static DomainResult domainResult(String label, List<MxHost> mx, List<ServerResult> servers,
                                             ServerResult deciding) {
        if (deciding == null) {
            return new DomainResult(label, Outcome.PermanentFailure, Reason.DnsNoMailServers, null, mx, servers);
        }
        return new DomainResult(label, deciding.outcome(), deciding.reason(), null, mx, servers);
    }

    private static DomainResult dnsFailure(String domain, MxResolution mx) {
        Reason reason = switch (mx.status()) {
            case NullMx -> Reason.NullMx;
            case NameNotFound -> Reason.DnsNameNotFound;
            case NoData -> Reason.DnsNoMailServers;
            case NullMxMixed -> Reason.NullMxMisconfigured;
            case Timeout -> Reason.DnsTimeout;
            default -> Reason.DnsServerFailure;
        };
        String detail = mx.detail() != null ? ServerText.detail(mx.detail()) : reason.name();
        // SERVFAIL, REFUSED and timeouts are transient, as for a sending MTA; NXDOMAIN and null MX are not
        return new DomainResult(domain, reason.outcome(null), reason, detail, mx.hosts(), List.of());
    }

    /** What every server of one domain is probed with, the run's pending waits, deadline and budget, and the domain's progress. */
    private record Run(ProbeRequest request, ProbeOptions options, RunScope scope, RunDeadline deadline,
                       ReportBudget.Meter budget, DomainProgress progress, ProbeObserver observer) {
    }
}
