package io.smtpprobe.operator.config;

import io.smtpprobe.engine.dns.DnsSettings;
import io.smtpprobe.core.Cidr;
import io.smtpprobe.request.Durations;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.ProbeEngine;
import io.smtpprobe.engine.ProbeRunner;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The probe engine on Quarkus's Vert.x, with the egress policy and resolver from configuration.
 * A bad setting fails start-up with the property's name rather than probing with a surprise policy.
 */
public class ProbeRunnerProducer {
    private static final Logger LOG = Logger.getLogger(ProbeRunnerProducer.class);

    @ConfigProperty(name = "smtpprobe.dns.servers")
    Optional<List<String>> dnsServers;
    @ConfigProperty(name = "smtpprobe.dns.timeout", defaultValue = "5s")
    String dnsTimeout;
    @ConfigProperty(name = "smtpprobe.policy.allowed-ports", defaultValue = "25,465,587,2525")
    List<Integer> allowedPorts;
    @ConfigProperty(name = "smtpprobe.policy.denied-networks")
    Optional<List<String>> deniedNetworks;
    @ConfigProperty(name = "smtpprobe.policy.allowed-networks")
    Optional<List<String>> allowedNetworks;
    @ConfigProperty(name = "smtpprobe.per-host-limit", defaultValue = "2")
    int perHostLimit;

    @Produces
    @Singleton
    ProbeRunner probeRunner(Vertx vertx) {
        EgressPolicy policy = policy();
        DnsSettings dns = DnsSettings.defaults()
                .withServers(dnsServers.orElse(List.of()))
                .withQueryTimeout(Durations.parse("smtpprobe.dns.timeout", dnsTimeout));
        LOG.infof("probe engine: allowed ports %s, denied networks %s, resolvers %s, %d connection(s) per server",
                policy.allowedPorts(), policy.deniedNetworks(), dns.servers().isEmpty() ? "system" : dns.servers(), perHostLimit);
        return ProbeEngine.create(vertx, dns, policy, perHostLimit, Clock.systemUTC());
    }

    EgressPolicy policy() {
        return new EgressPolicy(new HashSet<>(allowedPorts),
                networks("smtpprobe.policy.denied-networks", deniedNetworks.orElse(EgressPolicy.DEFAULT_DENIED)),
                networks("smtpprobe.policy.allowed-networks", allowedNetworks.orElse(List.of())));
    }

    private static List<Cidr> networks(String property, List<String> cidrs) {
        try {
            return cidrs.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }
}
