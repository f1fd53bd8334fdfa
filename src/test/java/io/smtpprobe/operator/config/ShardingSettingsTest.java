package io.smtpprobe.operator.config;

import static io.smtpprobe.operator.config.OperatorConfigTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sharding settings as the README's Settings table documents them. */
class ShardingSettingsTest {

    @Test
    void shardingIsOffAndGroupedByTheLeaseNameUnlessSet() {
        var config = read(OperatorConfig.class, Map.of());
        assertThat(config.sharding().enabled()).isFalse();
        assertThat(config.sharding().group()).isEmpty();
    }

    @Test
    void shardingIsTurnedOnAndGroupedAsWritten() {
        var config = read(OperatorConfig.class, Map.of("smtpprobe.sharding.enabled", "true", "smtpprobe.sharding.group", "mail-probes"));
        assertThat(config.sharding().enabled()).isTrue();
        assertThat(config.sharding().group()).contains("mail-probes");
    }
}
