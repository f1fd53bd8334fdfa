package io.smtpprobe.operator.controller;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smtpprobe.operator.config.OperatorConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The production settings mapping, read from properties as a user writes them, with what tests
 * change: a short minimum interval, no jitter, and no leader election unless a test asks for it.
 */
final class TestConfig {
    private TestConfig() {
    }

    /** @param overrides property names and values, alternating */
    static OperatorConfig operator(String... overrides) {
        var properties = new HashMap<>(Map.of(
                "smtpprobe.min-interval", "100ms",
                "smtpprobe.schedule-jitter", "0",
                "smtpprobe.leader-election.enabled", "false"));
        for (int i = 0; i < overrides.length; i += 2) {
            properties.put(overrides[i], overrides[i + 1]);
        }
        return new SmallRyeConfigBuilder()
                .withMapping(OperatorConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build()
                .getConfigMapping(OperatorConfig.class);
    }
}
