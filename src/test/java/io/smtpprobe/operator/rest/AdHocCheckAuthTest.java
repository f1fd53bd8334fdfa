package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.request.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A password in a request body would end up in proxies' and clients' logs: the API takes no credentials. */
class AdHocCheckAuthTest {

    @ParameterizedTest
    @ValueSource(strings = {"auth-user", "auth-password", "auth-mechanism", "auth-allow-plaintext"})
    void noAuthOptionIsAcceptedAndThePasswordIsNotEchoed(String key) throws Exception {
        var body = new ObjectMapper().readTree("{\"domains\": \"contoso.test\", \"" + key + "\": \"s3cret-Passw0rd\"}");

        assertThatThrownBy(() -> AdHocCheck.request(body)).isInstanceOf(InvalidInputException.class)
                .hasMessage(key + ": not accepted by the API (authenticated probes are SmtpProbes with spec.auth)");
    }

    @Test
    void theAnswerNamesTheKeyOnly() throws Exception {
        var body = new ObjectMapper().readTree("{\"auth-password\": \"s3cret-Passw0rd\"}");

        assertThatThrownBy(() -> AdHocCheck.request(body)).hasMessageNotContaining("s3cret");
    }
}
