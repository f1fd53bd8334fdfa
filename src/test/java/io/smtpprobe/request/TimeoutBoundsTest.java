package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.core.ProbeRequest;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every deadline has an upper bound, the same for the CLI, REST and the CRD (one validator). */
class TimeoutBoundsTest {

    private static ProbeRequest validate(Field field, String value) {
        return RequestValidator.validate(new ProbeInput().add(Field.DOMAINS, "contoso.test").add(field, value), RequestDefaults.CHECK);
    }

    @ParameterizedTest(name = "{0} at most {1}")
    @CsvSource({"connect-timeout, 2m, 121s", "command-timeout, 10m, 601s", "timeout, 30m, 1801s", "run-timeout, 1h, 61m"})
    void eachTimeoutIsAcceptedAtItsMaximumAndRefusedJustAbove(String key, String max, String above) {
        Field field = Field.byKey(key);

        assertThat(validate(field, max)).isNotNull();
        assertThatThrownBy(() -> validate(field, above)).isInstanceOfSatisfying(InvalidRequestException.class, e ->
                assertThat(e.problems()).singleElement().satisfies(p -> {
                    assertThat(p.field()).isEqualTo(field);
                    assertThat(p.message()).isEqualTo(above + " is longer than the maximum of " + max);
                }));
    }

    @Test
    void anAbsurdTimeoutIsRefusedNotOverflowed() {
        assertThatThrownBy(() -> validate(Field.TIMEOUT, "999999999h")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is longer than the maximum of 30m");
    }

    @Test
    void theRunTimeoutBecomesTheRunsDeadline() {
        assertThat(validate(Field.RUN_TIMEOUT, "90s").runDeadline()).isEqualTo(Duration.ofSeconds(90));
        assertThat(validate(Field.TIMEOUT, "1m").runDeadline()).isEqualTo(Duration.ofMinutes(2));
    }
}
