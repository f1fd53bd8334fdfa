package io.smtpprobe.engine;

import io.smtpprobe.engine.dane.DaneSettings;
import io.smtpprobe.engine.dane.TlsaLookup;
import io.smtpprobe.engine.dns.DnsSettings;
import io.smtpprobe.engine.dns.ResolverEndpoints;
import io.smtpprobe.engine.dns.DnsjavaMxResolver;
import io.smtpprobe.engine.smtp.BannerCheck;
import io.smtpprobe.engine.smtp.DaneCheck;
import io.smtpprobe.engine.smtp.TlsSettings;
import io.smtpprobe.engine.smtp.VertxSmtpProber;
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
        return create(vertx, dns, policy, new HostLimiter(perHostLimit), clock, egressControl);
    }

    /** With a limiter the caller keeps, to resize it (the operator's replicas divide the per-host limit among them). */
    public static ProbeRunner create(Vertx vertx, DnsSettings dns, EgressPolicy policy, HostLimiter hostLimiter, Clock clock,
                                     EgressCheck.Settings egressControl) {
        BannerCheck banner = new BannerCheck(vertx);
        EgressCheck egress = egressControl == null ? null : new EgressCheck(egressControl, banner::failure, clock);
        return new DefaultProbeRunner(new DnsjavaMxResolver(dns),
                new VertxSmtpProber(vertx, clock, TlsSettings.systemDefault(), daneCheck(dns)),
                policy, hostLimiter, Timers.of(vertx), egress);
    }

    /**
     * RFC 7672 DANE, validated from the root trust anchors, asking the resolvers MX resolution asks
     * (so it reaches no server the probe did not already ask), within one DNS query timeout per host.
     */
    public static DaneCheck daneCheck(DnsSettings dns) {
        return daneCheck(DaneSettings.defaults(dns.servers().stream().map(ResolverEndpoints::parse).toList(),
                dns.queryTimeout()));
    }

    public static DaneCheck daneCheck(DaneSettings settings) {
        TlsaLookup lookup = new TlsaLookup(settings);
        return (host, address, port) -> lookup.lookup(host, address, port).thenApply(findings -> findings::judge);
    }
}
