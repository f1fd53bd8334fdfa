package io.smtpprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.request.Field;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.TestInstance;

/**
 * The committed CRD's CEL rules on the deadlines, on a real kube-apiserver (server-side dry run):
 * each at its maximum is accepted and just above refused, as the one validator does.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrdTimeoutBoundsTest {
    private CommittedCrdServer apiServer;

    @BeforeAll
    void installTheCrd() throws IOException {
        apiServer = CommittedCrdServer.start("timeouts");
    }

    @AfterAll
    void stop() {
        if (apiServer != null) {
            apiServer.close();
        }
    }

    @ParameterizedTest(name = "{0} at most {1}")
    @CsvSource({"connect-timeout, 2m, 121s, connect", "command-timeout, 10m, 601s, command", "timeout, 30m, 1801s, total",
            "run-timeout, 1h, 61m, run"})
    void eachDeadlineIsAcceptedAtItsMaximumAndRefusedJustAbove(String key, String max, String above, String specName) {
        Field field = Field.byKey(key);

        assertThat(apiServerAccepts(specName, max)).isTrue();
        assertThat(WireTextAgreementTest.validatorAccepts(field, max)).isTrue();
        assertThat(apiServerAccepts(specName, above)).isFalse();
        assertThat(apiServer.lastRefusal()).contains("spec.timeouts." + specName, specName + " must be at most " + max);
        assertThat(WireTextAgreementTest.validatorAccepts(field, above)).isFalse();
    }

    private boolean apiServerAccepts(String specName, String value) {
        SmtpProbeSpec spec = new SmtpProbeSpec();
        spec.setDomains(List.of("contoso.test"));
        ProbeTimeouts t = new ProbeTimeouts();
        switch (specName) {
            case "connect" -> t.setConnect(value);
            case "command" -> t.setCommand(value);
            case "total" -> t.setTotal(value);
            default -> t.setRun(value);
        }
        spec.setTimeouts(t);
        return apiServer.accepts(spec);
    }
}
