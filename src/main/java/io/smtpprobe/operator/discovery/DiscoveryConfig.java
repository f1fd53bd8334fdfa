package io.smtpprobe.operator.discovery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smtpprobe.operator.config.GoDurationConverter;
import java.time.Duration;

/**
 * Probes that create themselves from Services and external-dns DNSEndpoints. Off by default: it
 * needs RBAC beyond the operator's (reading Services, writing SmtpProbes), which the chart grants only
 * with {@code discovery.enabled}.
 */
@ConfigMapping(prefix = "smtpprobe.discovery")
public interface DiscoveryConfig {

    @WithDefault("false")
    boolean enabled();

    /** Services annotated {@code smtpprobe.io/probe: "true"}. */
    @WithDefault("true")
    boolean services();

    /** external-dns DNSEndpoints with MX records, when their CRD is installed. */
    @WithDefault("true")
    boolean dnsEndpoints();

    /**
     * The cluster's DNS domain: a Service is probed as {@code NAME.NAMESPACE.svc.CLUSTER_DOMAIN}, the
     * name its clients use, resolved by the operator's resolver.
     */
    @WithDefault("cluster.local")
    String clusterDomain();

    /** How often to look again for the DNSEndpoint CRD while it is not installed. */
    @WithDefault("1m")
    @WithConverter(GoDurationConverter.class)
    Duration crdCheckInterval();
}
