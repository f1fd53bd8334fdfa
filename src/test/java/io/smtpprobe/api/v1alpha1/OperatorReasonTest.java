package io.smtpprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Reason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OperatorReasonTest {
    @Test
    void operatorReasonsNeverShadowAProbeVerdict() {
        var engine = Arrays.stream(Reason.values()).map(Enum::name).toList();
        assertThat(Arrays.stream(OperatorReason.values()).map(Enum::name)).doesNotContainAnyElementsOf(engine);
    }
}
