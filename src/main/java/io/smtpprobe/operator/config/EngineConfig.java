package io.smtpprobe.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The probe engine's {@code smtpprobe.*} settings: resolver, egress policy, per-server limit and egress control target. */
@ConfigMapping(prefix = "smtpprobe")
public interface EngineConfig {

    Dns dns();

    Policy policy();

    /** Connections at once to one mail server address, however many resources share it. */
    @WithDefault("2")
    int perHostLimit();

    Egress egress();

    Dane dane();

    Sts sts();

    /** RFC 7672 DANE's DNSSEC validation. */
    interface Dane {
        /**
         * A file of DS or DNSKEY records in zone-file form that validation starts from; unset: the
         * IANA root keys. For a private signed zone, or after a root key rollover the image predates.
         */
        Optional<String> trustAnchors();
    }

    /** The MTA-STS policy fetch (RFC 8461 §3.3). */
    interface Sts {
        /** A PEM file of CA certificates policy hosts must chain to; unset: the JVM's trust store. */
        Optional<String> caFile();

        /** 443 as the RFC says; another port only where the policy server cannot bind it (tests). */
        @WithDefault("443")
        int httpsPort();
    }

    /**
     * The control target that tells a blocked egress from remote outages: probed when connections
     * to {@code failingDomains} distinct domains failed within {@code window}.
     */
    interface Egress {
        /** {@code HOST:PORT} of a mail server known to answer; unset: off. The egress policy does not apply to it. */
        Optional<String> controlTarget();

        @WithDefault("3")
        int failingDomains();

        @WithDefault("1m")
        @WithConverter(GoDurationConverter.class)
        Duration window();

        /** How long one control probe's result stands, so a burst of failures costs one probe. */
        @WithDefault("30s")
        @WithConverter(GoDurationConverter.class)
        Duration controlCache();

        /** Deadline of the control probe: TCP connect and the 220 greeting. */
        @WithDefault("10s")
        @WithConverter(GoDurationConverter.class)
        Duration controlTimeout();
    }

    interface Dns {
        /** {@code HOST[:PORT]} addresses, not names; unset: the system's resolv.conf. */
        Optional<List<String>> servers();

        @WithDefault("5s")
        @WithConverter(GoDurationConverter.class)
        Duration timeout();
    }

    interface Policy {
        @WithDefault("25,465,587,2525")
        List<Integer> allowedPorts();

        /** Unset: the engine's built-in list. Setting it replaces the whole list. */
        Optional<List<String>> deniedNetworks();

        Optional<List<String>> allowedNetworks();
    }
}
