package io.smtpprobe.engine;

import io.smtpprobe.core.Cidr;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.engine.dns.MxResolution;
import io.smtpprobe.engine.dns.MxResolver;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.engine.smtp.SmtpProber;
import io.smtpprobe.engine.smtp.SmtpTarget;
import io.smtpprobe.core.Stage;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * DNS, then policy, then dialogues, per domain. Addresses come only from the one resolution made
 * here: the engine connects to exactly the address that passed the egress policy.
 */
public final class DefaultProbeRunner implements ProbeRunner {

    private static final long WATCHDOG_SLACK_MS = 5_000;

    private final MxResolver resolver;
    private final SmtpProber prober;
    private final EgressPolicy policy;
    private final HostLimiter hostLimiter;

    public DefaultProbeRunner(MxResolver resolver, SmtpProber prober, EgressPolicy policy, HostLimiter hostLimiter) {
        this.resolver = resolver;
        this.prober = prober;
        this.policy = policy;
        this.hostLimiter = hostLimiter;
    }

    /**
     * Connection attempts per domain. Ten MX hosts with four addresses each, every one timing out,
     * would otherwise keep a domain busy for forty total deadlines.
     */
    public static final int MAX_ATTEMPTS_PER_DOMAIN = 10;

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        List<CompletableFuture<DomainResult>> perDomain = new ArrayList<>();
        for (String domain : request.domains()) {
            perDomain.add(probeDomain(domain, request).toCompletableFuture());
        }
        if (request.domains().isEmpty()) {
            // Servers without domains: the servers are probed as one unnamed target.
            perDomain.add(probeDomain(null, request).toCompletableFuture());
        }
        return CompletableFuture.allOf(perDomain.toArray(CompletableFuture[]::new))
                .thenApply(v -> report(perDomain.stream().map(CompletableFuture::join).toList()));
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

    private CompletionStage<DomainResult> probeDomain(String domain, ProbeRequest request) {
        ProbeOptions options = request.options().rcptTo().isEmpty() && domain != null
                ? request.options().withRcptTo(List.of("postmaster@" + domain))
                : request.options();
        String label = domain != null ? domain : request.servers().stream().map(HostPort::text).collect(java.util.stream.Collectors.joining(","));
        if (!request.servers().isEmpty()) {
            return resolveServers(request).thenCompose(hosts -> probeHosts(label, hosts, List.of(), request, options));
        }
        return resolver.resolve(domain).thenCompose(mx -> {
            if (mx.status() != DnsStatus.Ok) {
                return CompletableFuture.completedFuture(dnsFailure(label, mx));
            }
            List<Candidate> hosts = mx.hosts().stream().map(h -> new Candidate(h, request.port(), h.preference())).toList();
            return probeHosts(label, hosts, mx.hosts(), request, options);
        });
    }

    private CompletionStage<List<Candidate>> resolveServers(ProbeRequest request) {
        List<CompletableFuture<Candidate>> hosts = new ArrayList<>();
        int preference = 0;
        for (HostPort hp : request.servers()) {
            int port = hp.portOr(request.port());
            byte[] literal = Cidr.literalBytes(hp.host());
            CompletableFuture<MxHost> host;
            if (literal != null) {
                host = CompletableFuture.completedFuture(
                        new MxHost(hp.host(), preference, false, List.of(literalAddress(literal)), null));
            } else {
                host = resolver.resolveHost(hp.host(), preference).toCompletableFuture();
            }
            hosts.add(host.thenApply(h -> new Candidate(h, port, null)));
            preference++;
        }
        return CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new))
                .thenApply(v -> hosts.stream().map(CompletableFuture::join).toList());
    }

    private CompletionStage<DomainResult> probeHosts(String label, List<Candidate> hosts, List<MxHost> mx,
                                                      ProbeRequest request, ProbeOptions options) {
        if (request.mxPolicy() == MxPolicy.All) {
            List<CompletableFuture<List<ServerResult>>> all = hosts.stream()
                    .map(h -> attempt(attempts(List.of(h)), 0, options, new ArrayList<>()).toCompletableFuture())
                    .toList();
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<ServerResult> servers = all.stream().flatMap(f -> f.join().stream()).toList();
                ServerResult deciding = all.stream().map(f -> deciding(f.join()))
                        .max(Comparator.comparing(ServerResult::outcome)).orElse(null);
                return domainResult(label, mx, servers, deciding);
            });
        }
        return attempt(attempts(hosts), 0, options, new ArrayList<>())
                .thenApply(servers -> domainResult(label, mx, servers, deciding(servers)));
    }

    /**
     * Like an MTA: addresses in preference order until a server gives a verdict on the mail
     * (accepts or rejects it); connection-level failures move on to the next address.
     */
    private CompletionStage<List<ServerResult>> attempt(List<Attempt> attempts, int index, ProbeOptions options,
                                                        List<ServerResult> done) {
        if (index >= attempts.size()) {
            return CompletableFuture.completedFuture(done);
        }
        Attempt a = attempts.get(index);
        return probeOne(a, options).thenCompose(result -> {
            done.add(result);
            if (gaveVerdict(result)) {
                return CompletableFuture.completedFuture(done);
            }
            return attempt(attempts, index + 1, options, done);
        });
    }

    private CompletionStage<ServerResult> probeOne(Attempt a, ProbeOptions options) {
        if (a.address == null) {
            // a host whose address lookup failed or went unanswered may well exist: an MTA retries it later
            Reason reason = a.host.addressError() == DnsStatus.Timeout ? Reason.DnsTimeout
                    : a.host.addressError() == DnsStatus.ServerFailure ? Reason.DnsServerFailure
                    : Reason.MxHostNotFound;
            return CompletableFuture.completedFuture(synthetic(a, Stage.Dns, reason,
                    "no address for " + a.host.host() + (a.host.addressError() != null ? " (" + a.host.addressError() + ")" : "")));
        }
        var forbidden = policy.violation(a.address, a.port);
        if (forbidden.isPresent()) {
            return CompletableFuture.completedFuture(synthetic(a, Stage.Connect, Reason.PolicyBlocked, forbidden.get()));
        }
        String key = a.address.getHostAddress() + "|" + a.port;
        return hostLimiter.acquire(key).thenCompose(release -> {
            CompletableFuture<ServerResult> result = new CompletableFuture<>();
            // The engine enforces its own deadlines; this watchdog only makes sure that a bug there
            // can never keep the host permit (and every later probe of that server) forever.
            long watchdogMs = options.timeouts().total().multipliedBy(SmtpProber.MAX_DIALOGUES)
                    .plus(options.timeouts().connect()).toMillis() + WATCHDOG_SLACK_MS;
            result.orTimeout(watchdogMs, TimeUnit.MILLISECONDS);
            try {
                prober.probe(new SmtpTarget(a.host.host(), a.address, a.port, a.preference), options)
                        .onComplete(ar -> result.complete(ar.succeeded() ? ar.result()
                                : synthetic(a, Stage.Connect, Reason.InternalError, "probe failed: " + ar.cause())));
            } catch (RuntimeException e) {
                result.complete(synthetic(a, Stage.Connect, Reason.InternalError, "probe failed: " + e));
            }
            // Released before the caller sees the result, so its next probe of this server never waits on us.
            return result.whenComplete((r, e) -> release.run()).exceptionally(e -> synthetic(a, Stage.Connect, Reason.InternalError,
                    "the probe did not finish within " + watchdogMs + " ms"));
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

    private static List<Attempt> attempts(List<Candidate> candidates) {
        List<Attempt> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (out.size() >= MAX_ATTEMPTS_PER_DOMAIN) {
                break;
            }
            if (c.host.addresses().isEmpty()) {
                out.add(new Attempt(c.host, null, c.port, c.preference));
            }
            for (InetAddress address : c.host.addresses()) {
                if (out.size() < MAX_ATTEMPTS_PER_DOMAIN) {
                    out.add(new Attempt(c.host, address, c.port, c.preference));
                }
            }
        }
        return out;
    }

    private static ServerResult synthetic(Attempt a, Stage stage, Reason reason, String detail) {
        return ServerResult.builder().host(a.host.host()).address(a.address == null ? null : a.address.getHostAddress())
                .port(a.port).preference(a.preference).stage(stage).reason(reason).detail(ServerText.detail(detail)).build();
    }

    private static InetAddress literalAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A host to try; servers named by the user have no MX preference. */
    private record Candidate(MxHost host, int port, Integer preference) {
    }

    private record Attempt(MxHost host, InetAddress address, int port, Integer preference) {
    }
}
