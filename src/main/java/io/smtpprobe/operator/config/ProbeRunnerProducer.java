package io.smtpprobe.operator.config;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smtpprobe.core.Cidr;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.engine.EgressCheck;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.HostLimiter;
import io.smtpprobe.engine.ProbeEngine;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.engine.dane.DaneSettings;
import io.smtpprobe.engine.dane.TrustAnchors;
import io.smtpprobe.engine.dns.DnsSettings;
import io.smtpprobe.engine.sts.StsSettings;
import io.smtpprobe.operator.tracing.ProbeTracing;
import io.smtpprobe.request.InputValidator;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The probe engine on Quarkus's Vert.x, with the egress policy and resolver from configuration.
 * A bad setting fails start-up with the property's name rather than probing with a surprise policy.
 */
public class ProbeRunnerProducer {
    private static final Logger LOG = Logger.getLogger(ProbeRunnerProducer.class);

    /** One limiter for the engine and the operator, which divides it among its replicas when sharding. */
    @Produces
    @Singleton
    HostLimiter hostLimiter(EngineConfig config) {
        return new HostLimiter(config.perHostLimit());
    }

    @Produces
    @Singleton
    ProbeRunner probeRunner(Vertx vertx, EngineConfig config, HostLimiter hostLimiter,
            ProbeTracing tracing) {
        EgressPolicy policy = policy(config.policy());
        DnsSettings dns = DnsSettings.defaults()
                .withServers(config.dns().servers().orElse(List.of()))
                .withQueryTimeout(config.dns().timeout());
        LOG.infof("probe engine: allowed ports %s, denied networks %s, resolvers %s, %d connection(s) per server",
                policy.allowedPorts(), policy.deniedNetworks(), dns.servers().isEmpty() ? "system" : dns.servers(),
                config.perHostLimit());
        EgressCheck.Settings control = egressControl(config.egress());
        if (control != null) {
            LOG.infof("egress control target %s, probed when %d domains fail to connect within %s",
                    control.target(), control.failingDomains(), control.window());
        }
        StsSettings sts = sts(config.sts());
        String anchors = daneTrustAnchors(config.dane());
        return tracing.wrap(ProbeEngine.create(vertx, dns, policy, hostLimiter, Clock.systemUTC(), control, sts, anchors));
    }

    /** Read at start-up: a bad file stops the operator with the property and file named, not every probe later. */
    static String daneTrustAnchors(EngineConfig.Dane config) {
        String path = config.trustAnchors().map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        if (path == null) {
            return DaneSettings.ROOT_TRUST_ANCHORS;
        }
        try {
            String anchors = TrustAnchors.read(Path.of(path));
            LOG.infof("DANE: DNSSEC trust anchors from %s", path);
            return anchors;
        } catch (IllegalArgumentException e) {
            throw badSetting("smtpprobe.dane.trust-anchors", e);
        }
    }

    static StsSettings sts(EngineConfig.Sts config) {
        StsSettings sts;
        try {
            sts = StsSettings.defaults().withHttpsPort(config.httpsPort());
        } catch (IllegalArgumentException e) {
            throw badSetting("smtpprobe.sts.https-port", e);
        }
        String path = config.caFile().map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        if (path == null) {
            return sts;
        }
        try {
            StsSettings withCa = sts.withCaFile(Path.of(path));
            LOG.infof("MTA-STS: policy hosts must chain to the CAs in %s", path);
            return withCa;
        } catch (IllegalArgumentException e) {
            throw badSetting("smtpprobe.sts.ca-file", e);
        }
    }

    /**
     * Without a cause, so it is the root cause Quarkus looks at: it then prints the one line and exits,
     * where any other start-up failure is logged with a page of stack trace.
     */
    private static ConfigurationException badSetting(String property, IllegalArgumentException e) {
        return new ConfigurationException(property + ": " + e.getMessage(), Set.of(property));
    }

    static EgressCheck.Settings egressControl(EngineConfig.Egress config) {
        String property = "smtpprobe.egress.control-target";
        String target = config.controlTarget().map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        if (target == null) {
            return null;
        }
        // an InvalidInputException names the property, and fails start-up like a bad policy setting
        HostPort hostPort = InputValidator.server(property, target);
        if (hostPort.port() == null) {
            throw new IllegalArgumentException(property + ": needs a port, e.g. mx.example.test:25");
        }
        return new EgressCheck.Settings(hostPort, config.failingDomains(), config.window(), config.controlCache(),
                config.controlTimeout());
    }

    static EgressPolicy policy(EngineConfig.Policy config) {
        return new EgressPolicy(new HashSet<>(config.allowedPorts()),
                networks("smtpprobe.policy.denied-networks", config.deniedNetworks().orElse(EgressPolicy.DEFAULT_DENIED)),
                networks("smtpprobe.policy.allowed-networks", config.allowedNetworks().orElse(List.of())));
    }

    private static List<Cidr> networks(String property, List<String> cidrs) {
        try {
            return cidrs.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }
}
