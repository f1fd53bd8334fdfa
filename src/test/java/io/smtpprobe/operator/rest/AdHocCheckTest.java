package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.request.InvalidInputException;
import io.smtpprobe.request.InvalidRequestException;
import io.smtpprobe.core.TlsMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdHocCheckTest {
    static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text.replace('\'', '"'));
    }

    static String field(InvalidRequestException e) {
        return e.problems().get(0).fieldName(AdHocCheck::key);
    }

    @Test
    void unknownKeysAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> AdHocCheck.request(json("{'domains':['contoso.test'],'frobnicate':'x'}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("frobnicate"));
    }

    @Test
    void optionsAreTheCheckCommandsLongOptions() throws Exception {
        var request = AdHocCheck.request(json("{'domains':['contoso.test'],'rcpt-to':['a@contoso.test','b@contoso.test'],"
                + "'port':2525,'tls':'required','insecure':true,'connect-timeout':'2s'}")).request();

        assertThat(request.domains()).containsExactly("contoso.test");
        assertThat(request.port()).isEqualTo(2525);
        assertThat(request.options().rcptTo()).containsExactly("a@contoso.test", "b@contoso.test");
        assertThat(request.options().tlsMode()).isEqualTo(TlsMode.Required);
        assertThat(request.options().insecure()).isTrue();
        assertThat(request.options().timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void resolverAndEgressPolicyCannotBeChosenByTheCaller() {
        for (String key : new String[] {"dns-server", "deny-network"}) {
            assertThatThrownBy(() -> AdHocCheck.request(json("{'domains':['contoso.test'],'" + key + "':'127.0.0.1'}")))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(key));
        }
    }

    @Test
    void aDomainCannotSmuggleAnOption() {
        assertThatThrownBy(() -> AdHocCheck.request(json("{'domains':['--dns-server=127.0.0.1']}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(field(e)).isEqualTo("domains"));
    }

    @Test
    void invalidValuesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> AdHocCheck.request(json("{'domains':['contoso.test'],'timeout':'soon'}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(field(e)).isEqualTo("timeout"));
        assertThatThrownBy(() -> AdHocCheck.request(json("{'domains':['contoso.test'],'ehlo':{'name':'x'}}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("ehlo"));
        assertThatThrownBy(() -> AdHocCheck.request(json("[]"))).isInstanceOf(InvalidInputException.class);
    }
}
