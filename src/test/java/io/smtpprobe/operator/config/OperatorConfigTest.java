package io.smtpprobe.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings as the README's Settings table documents them: names, defaults and the duration format. */
class OperatorConfigTest {

    static <T> T read(Class<T> mapping, Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(mapping)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build()
                .getConfigMapping(mapping);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        var config = read(OperatorConfig.class, Map.of());
        assertThat(config.operator().enabled()).isTrue();
        assertThat(config.watchNamespaces()).isEmpty();
        assertThat(config.maxConcurrentProbes()).isEqualTo(10);
        assertThat(config.statusMaxBytes()).isEqualTo(524288);
        assertThat(config.statusHeartbeat()).isZero();
        assertThat(config.minInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.scheduleJitter()).isEqualTo(0.1);
        assertThat(config.defaultEhloName()).isEqualTo("smtp-probe.invalid");
        assertThat(config.defaultMailFrom()).isEmpty();
        assertThat(config.statusWriteAttempts()).isEqualTo(3);
        assertThat(config.statusWriters()).isEqualTo(32);
        assertThat(config.leaderElection().enabled()).isTrue();
        assertThat(config.leaderElection().leaseName()).isEqualTo("smtp-probe-operator");
        assertThat(config.leaderElection().namespace()).isEmpty();
        assertThat(config.leaderElection().identity()).isEmpty();
        assertThat(config.leaderElection().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.leaderElection().renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.leaderElection().retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.api().checks().enabled()).isFalse();
        assertThat(config.certificateExpiryWarning()).isEqualTo(Duration.ofDays(14));

        var engine = read(EngineConfig.class, Map.of());
        assertThat(engine.dns().servers()).isEmpty();
        assertThat(engine.dns().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(engine.policy().allowedPorts()).containsExactly(25, 465, 587, 2525);
        assertThat(engine.policy().deniedNetworks()).isEmpty();
        assertThat(engine.policy().allowedNetworks()).isEmpty();
        assertThat(engine.perHostLimit()).isEqualTo(2);
    }

    @Test
    void durationsAndListsAreWrittenAsUsersWriteThem() {
        var config = read(OperatorConfig.class, Map.of(
                "smtpprobe.min-interval", "1h30m",
                "smtpprobe.leader-election.renew-deadline", "1500ms",
                "smtpprobe.watch-namespaces", "mail,monitoring"));
        assertThat(config.minInterval()).isEqualTo(Duration.ofMinutes(90));
        assertThat(config.leaderElection().renewDeadline()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.watchNamespaces()).contains(List.of("mail", "monitoring"));

        assertThatThrownBy(() -> read(OperatorConfig.class, Map.of("smtpprobe.min-interval", "PT30S")))
                .hasStackTraceContaining("smtpprobe.min-interval");
    }

    @Test
    void theCertificateExpiryWarningTakesDaysAndDurations() {
        assertThat(read(OperatorConfig.class, Map.of("smtpprobe.certificate-expiry-warning", "30d")).certificateExpiryWarning())
                .isEqualTo(Duration.ofDays(30));
        assertThat(read(OperatorConfig.class, Map.of("smtpprobe.certificate-expiry-warning", "36h")).certificateExpiryWarning())
                .isEqualTo(Duration.ofHours(36));
        assertThatThrownBy(() -> read(OperatorConfig.class, Map.of("smtpprobe.certificate-expiry-warning", "two weeks")))
                .hasStackTraceContaining("smtpprobe.certificate-expiry-warning");
    }

    @Test
    void theStatusHeartbeatIsADurationOrOff() {
        assertThat(read(OperatorConfig.class, Map.of("smtpprobe.status-heartbeat", "30m")).statusHeartbeat())
                .isEqualTo(Duration.ofMinutes(30));
        assertThat(read(OperatorConfig.class, Map.of("smtpprobe.status-heartbeat", "0s")).statusHeartbeat()).isZero();
        assertThatThrownBy(() -> read(OperatorConfig.class, Map.of("smtpprobe.status-heartbeat", "half an hour")))
                .hasStackTraceContaining("smtpprobe.status-heartbeat");
    }
}
