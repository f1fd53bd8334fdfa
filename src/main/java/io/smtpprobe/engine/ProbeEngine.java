package io.smtpprobe.engine;

import io.smtpprobe.core.ServerResult;
import io.smtpprobe.engine.dane.DaneSettings;
import io.smtpprobe.engine.dane.TlsaLookup;
import io.smtpprobe.engine.dns.DnsSettings;
import io.smtpprobe.engine.dns.DnsjavaMxResolver;
import io.smtpprobe.engine.dns.ResolverEndpoints;
import io.smtpprobe.engine.dns.TxtLookup;
import io.smtpprobe.engine.smtp.BannerCheck;
import io.smtpprobe.engine.smtp.DaneCheck;
import io.smtpprobe.engine.smtp.TlsSettings;
import io.smtpprobe.engine.smtp.VertxSmtpProber;
import io.smtpprobe.engine.sts.StsDiscovery;
import io.smtpprobe.engine.sts.StsPolicyCache;
import io.smtpprobe.engine.sts.StsPolicyFetcher;
import io.smtpprobe.engine.sts.StsSettings;
import io.smtpprobe.engine.sts.TransportSecurityRunner;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Wires resolver, engine, policy, per-host limit and control target; shared by the {@code check} command and the operator. */
public final class ProbeEngine {
    private ProbeEngine() {
    }

    public static ProbeRunner create(Vertx vertx, DnsSettings dns, EgressPolicy policy, int perHostLimit, Clock clock) {
        return create(vertx, dns, policy, perHostLimit, clock, null);
    }

    /** @param egressControl null: no control target, connect failures are reported as they are */
    public static ProbeRunner create(Vertx vertx, DnsSettings dns, EgressPolicy policy, int perHostLimit, Clock clock,
                                     EgressCheck.Settings egressControl) {
        return create(vertx, dns, policy, new HostLimiter(perHostLimit), clock, egressControl, StsSettings.defaults());
    }

    /** @param sts how MTA-STS policies are fetched (the port and trust store differ only in tests) */
    public static ProbeRunner create(Vertx vertx, DnsSettings dns, EgressPolicy policy, int perHostLimit, Clock clock,
                                     EgressCheck.Settings egressControl, StsSettings sts) {
        return create(vertx, dns, policy, new HostLimiter(perHostLimit), clock, egressControl, sts);
    }

    /** With a limiter the caller keeps, to resize it (the operator's replicas divide the per-host limit among them). */
    public static ProbeRunner create(Vertx vertx, DnsSettings dns, EgressPolicy policy, HostLimiter hostLimiter, Clock clock,
                                     EgressCheck.Settings egressControl) {
        return create(vertx, dns, policy, hostLimiter, clock, egressControl, StsSettings.defaults());
    }

    public static ProbeRunner create(Vertx vertx, DnsSettings dns, EgressPolicy policy, HostLimiter hostLimiter, Clock clock,
                                     EgressCheck.Settings egressControl, StsSettings sts) {
        return create(vertx, dns, policy, hostLimiter, clock, egressControl, sts, DaneSettings.ROOT_TRUST_ANCHORS);
    }

    /** @param daneTrustAnchors DS/DNSKEY records DNSSEC validation starts from (checked: {@code TrustAnchors}) */
    public static ProbeRunner create(Vertx vertx, DnsSettings dns, EgressPolicy policy, HostLimiter hostLimiter, Clock clock,
                                     EgressCheck.Settings egressControl, StsSettings sts, String daneTrustAnchors) {
        BannerCheck banner = new BannerCheck(vertx);
        EgressCheck egress = egressControl == null ? null : new EgressCheck(egressControl, banner::failure, clock);
        DnsjavaMxResolver resolver = new DnsjavaMxResolver(dns);
        DefaultProbeRunner dialogues = new DefaultProbeRunner(resolver,
                new VertxSmtpProber(vertx, clock, TlsSettings.systemDefault(), daneCheck(dns, daneTrustAnchors)),
                policy, hostLimiter, Timers.of(vertx), egress);
        StsDiscovery discovery = new StsDiscovery(new TxtLookup(dns), resolver, new StsPolicyFetcher(vertx, sts)::fetch,
                new StsPolicyCache(sts.cacheSize(), clock), policy, sts.httpsPort());
        // each server's DANE verdict (ServerResult.dane) feeds the domain's transport-security verdict
        return new TransportSecurityRunner(dialogues, discovery::discover,
                TransportSecurityRunner.DaneOutcomes.perServer(ServerResult::dane), clock);
    }

    /**
     * RFC 7672 DANE, validated from the root trust anchors (or the given ones), asking the resolvers MX resolution asks
     * (so it reaches no server the probe did not already ask), within one DNS query timeout per host.
     */
    public static DaneCheck daneCheck(DnsSettings dns) {
        return daneCheck(dns, DaneSettings.ROOT_TRUST_ANCHORS);
    }

    public static DaneCheck daneCheck(DnsSettings dns, String trustAnchors) {
        return daneCheck(DaneSettings.defaults(dns.servers().stream().map(ResolverEndpoints::parse).toList(),
                dns.queryTimeout()).withTrustAnchors(trustAnchors));
    }

    public static DaneCheck daneCheck(DaneSettings settings) {
        TlsaLookup lookup = new TlsaLookup(settings);
        return (host, address, port) -> lookup.lookup(host, address, port).thenApply(findings -> findings::judge);
    }
}
