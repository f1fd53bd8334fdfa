package io.smtpprobe.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP API's access and admission settings, as the README's Settings table documents them. */
class ApiSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        var config = OperatorConfigTest.read(OperatorConfig.class, Map.of());
        assertThat(config.api().auth().enabled()).isFalse();
        assertThat(config.api().auth().metrics()).isTrue();
        assertThat(config.api().auth().cacheTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.api().auth().cacheSize()).isEqualTo(4096);
        assertThat(config.api().checks().namespace()).isEqualTo("default");
        assertThat(config.api().checks().rateLimit()).isEqualTo(10);
        assertThat(config.api().checks().rateWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.api().checks().maxPending()).isEqualTo(16);
        assertThat(config.metrics().tenantLabels()).isTrue();
    }

    @Test
    void durationsAreWrittenAsUsersWriteThem() {
        var config = OperatorConfigTest.read(OperatorConfig.class, Map.of(
                "smtpprobe.api.auth.cache-ttl", "0s", "smtpprobe.api.checks.rate-window", "1h30m"));
        assertThat(config.api().auth().cacheTtl()).isZero();
        assertThat(config.api().checks().rateWindow()).isEqualTo(Duration.ofMinutes(90));
    }
}
