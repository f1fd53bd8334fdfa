package io.smtpprobe.operator.config;

import static io.smtpprobe.operator.config.OperatorConfigTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.core.HostPort;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The greylist and egress-control settings as the README's Settings table documents them. */
class EgressAndGreylistSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(read(OperatorConfig.class, Map.of()).defaultGreylistRetry()).isEqualTo(Duration.ofMinutes(5));
        var egress = read(EngineConfig.class, Map.of()).egress();
        assertThat(egress.controlTarget()).isEmpty();
        assertThat(egress.failingDomains()).isEqualTo(3);
        assertThat(egress.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(egress.controlCache()).isEqualTo(Duration.ofSeconds(30));
        assertThat(egress.controlTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(ProbeRunnerProducer.egressControl(egress)).as("off unless a target is named").isNull();
    }

    @Test
    void zeroTurnsTheDefaultGreylistRetryOff() {
        assertThat(read(OperatorConfig.class, Map.of("smtpprobe.default-greylist-retry", "0s")).defaultGreylistRetry()).isZero();
    }

    @Test
    void aControlTargetIsAHostAndAPort() {
        var egress = read(EngineConfig.class, Map.of("smtpprobe.egress.control-target", "mx.control.test:25",
                "smtpprobe.egress.failing-domains", "5", "smtpprobe.egress.window", "2m")).egress();
        var settings = ProbeRunnerProducer.egressControl(egress);
        assertThat(settings.target()).isEqualTo(new HostPort("mx.control.test", 25, "mx.control.test:25"));
        assertThat(settings.failingDomains()).isEqualTo(5);
        assertThat(settings.window()).isEqualTo(Duration.ofMinutes(2));

        var portless = read(EngineConfig.class, Map.of("smtpprobe.egress.control-target", "mx.control.test")).egress();
        assertThatThrownBy(() -> ProbeRunnerProducer.egressControl(portless))
                .hasMessageContaining("smtpprobe.egress.control-target").hasMessageContaining("needs a port");
        var injected = read(EngineConfig.class, Map.of("smtpprobe.egress.control-target", "mx.test\r\nQUIT:25")).egress();
        assertThatThrownBy(() -> ProbeRunnerProducer.egressControl(injected)).hasMessageContaining("smtpprobe.egress.control-target");
    }
}
