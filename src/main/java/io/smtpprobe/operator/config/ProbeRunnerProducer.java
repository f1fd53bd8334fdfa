package io.smtpprobe.operator.config;

import io.smtpprobe.core.Cidr;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.ProbeEngine;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.engine.dns.DnsSettings;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The probe engine on Quarkus's Vert.x, with the egress policy and resolver from configuration.
 * A bad setting fails start-up with the property's name rather than probing with a surprise policy.
 */
public class ProbeRunnerProducer {
    private static final Logger LOG = Logger.getLogger(ProbeRunnerProducer.class);

    @Produces
    @Singleton
    ProbeRunner probeRunner(Vertx vertx, EngineConfig config) {
        EgressPolicy policy = policy(config.policy());
        DnsSettings dns = DnsSettings.defaults()
                .withServers(config.dns().servers().orElse(List.of()))
                .withQueryTimeout(config.dns().timeout());
        LOG.infof("probe engine: allowed ports %s, denied networks %s, resolvers %s, %d connection(s) per server",
                policy.allowedPorts(), policy.deniedNetworks(), dns.servers().isEmpty() ? "system" : dns.servers(),
                config.perHostLimit());
        return ProbeEngine.create(vertx, dns, policy, config.perHostLimit(), Clock.systemUTC());
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
