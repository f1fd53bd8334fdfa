package io.smtpprobe.engine;

import io.smtpprobe.engine.dns.DnsSettings;
import io.smtpprobe.engine.dns.DnsjavaMxResolver;
import io.smtpprobe.engine.smtp.TlsSettings;
import io.smtpprobe.engine.smtp.VertxSmtpProber;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Wires resolver, engine, policy and per-host limit; shared by the {@code check} command and the operator. */
public final class ProbeEngine {
    private ProbeEngine() {
    }

    public static ProbeRunner create(Vertx vertx, DnsSettings dns, EgressPolicy policy, int perHostLimit, Clock clock) {
        return new DefaultProbeRunner(new DnsjavaMxResolver(dns), new VertxSmtpProber(vertx, clock, TlsSettings.systemDefault()),
                policy, new HostLimiter(perHostLimit));
    }
}
