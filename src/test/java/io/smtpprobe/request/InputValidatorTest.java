package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.core.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InputValidatorTest {

    @ParameterizedTest
    @ValueSource(strings = {"a@b.test\r\nRCPT TO:<x@y.test>", "a@b.test\n", "a\u0000@b.test", "a@b.test\u0085", "a@b.test\u2028"})
    void controlCharactersInAnAddressAreRefusedNamingTheField(String hostile) {
        assertThatThrownBy(() -> InputValidator.address("--rcpt-to", hostile))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("--rcpt-to: control character");
    }

    @Test
    void errorMessagesShowControlCharactersEscapedNeverRaw() {
        assertThatThrownBy(() -> InputValidator.domain("domain", "bad\rname.test"))
                .hasMessageContaining("\\x0d")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\r"));
    }

    @Test
    void unicodeDomainsAreConvertedToALabels() {
        assertThat(InputValidator.domain("domain", "bücher.test")).isEqualTo("xn--bcher-kva.test");
        assertThat(InputValidator.domain("domain", "Contoso.TEST.")).isEqualTo("contoso.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-bad.test", "bad-.test", "a..test", "under_score.test", "sp ace.test", ""})
    void malformedDomainsAreRefused(String domain) {
        assertThatThrownBy(() -> InputValidator.domain("domain", domain)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void addressesAcceptAngleBracketsAndNormaliseTheDomain() {
        assertThat(InputValidator.address("f", "<John.Doe@Fabrikam.TEST>")).isEqualTo("John.Doe@fabrikam.test");
        assertThat(InputValidator.address("f", "user@[192.0.2.1]")).isEqualTo("user@[192.0.2.1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-at-sign", "@domain.test", "user@", "a b@c.test", "a<b@c.test", ".a@c.test", "a..b@c.test"})
    void malformedAddressesAreRefused(String address) {
        assertThatThrownBy(() -> InputValidator.address("f", address)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void theNullReversePathIsAllowedForMailFrom() {
        assertThat(InputValidator.reversePath("f", "<>")).isEmpty();
        assertThat(InputValidator.reversePath("f", "")).isEmpty();
    }

    @Test
    void serversParseHostPortAndIpv6Literals() {
        assertThat(InputValidator.server("s", "mx.test:2525")).isEqualTo(new HostPort("mx.test", 2525, "mx.test:2525"));
        assertThat(InputValidator.server("s", "127.0.0.1")).isEqualTo(new HostPort("127.0.0.1", null, "127.0.0.1"));
        assertThat(InputValidator.server("s", "[::1]:25")).isEqualTo(new HostPort("::1", 25, "[::1]:25"));
        assertThat(InputValidator.server("s", "::1")).isEqualTo(new HostPort("::1", null, "::1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mx.test:0", "mx.test:70000", "mx.test:abc", "[::1", "[zz]:25", "999.1.1.1", "1.2.3.256:25"})
    void invalidServersAreRefused(String server) {
        assertThatThrownBy(() -> InputValidator.server("--server", server)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("--server:");
    }

    @Test
    void bodiesMayHaveLineBreaksButNoOtherControlCharacters() {
        assertThat(InputValidator.body("--body", "line1\r\nline2\n\tx")).isNotNull();
        assertThatThrownBy(() -> InputValidator.body("--body", "bell\u0007")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void ehloNamesMayBeAddressLiterals() {
        assertThat(InputValidator.ehloName("--ehlo", "[127.0.0.1]")).isEqualTo("[127.0.0.1]");
        assertThat(InputValidator.ehloName("--ehlo", "[IPv6:::1]")).isEqualTo("[IPv6:::1]");
        assertThatThrownBy(() -> InputValidator.ehloName("--ehlo", "[999.0.0.1]")).isInstanceOf(InvalidInputException.class);
    }
}
