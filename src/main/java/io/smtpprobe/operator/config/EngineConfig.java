package io.smtpprobe.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The probe engine's {@code smtpprobe.*} settings: resolver, egress policy and per-server limit. */
@ConfigMapping(prefix = "smtpprobe")
public interface EngineConfig {

    Dns dns();

    Policy policy();

    /** Connections at once to one mail server address, however many resources share it. */
    @WithDefault("2")
    int perHostLimit();

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
