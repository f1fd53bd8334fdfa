package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** RFC 6531 local parts: accepted for SMTPUTF8, NFC-normalised, never with controls, spaces or invisible characters. */
class LocalPartTest {

    @ParameterizedTest
    @ValueSource(strings = {"josé@contoso.test", "用户@例え.test", "δοκιμή@contoso.test", "пользователь@contoso.test",
        "müller.hans+tag@bücher.test", "ñ@[192.0.2.1]"})
    void nonAsciiLocalPartsAreAccepted(String address) {
        String validated = InputValidator.address("rcpt-to", address);
        assertThat(validated.substring(0, validated.lastIndexOf('@'))).isEqualTo(address.substring(0, address.lastIndexOf('@')));
    }

    @Test
    void theDomainOfAnSmtputf8AddressStillGoesToALabels() {
        assertThat(InputValidator.address("rcpt-to", "josé@Bücher.test")).isEqualTo("josé@xn--bcher-kva.test");
        assertThat(InputValidator.reversePath("mail-from", "<josé@bücher.test>")).isEqualTo("josé@xn--bcher-kva.test");
    }

    @Test
    void localPartsAreNormalisedToNfc() {
        // e and a combining acute accent: the server sees the one precomposed é.
        assertThat(InputValidator.address("rcpt-to", "jose\u0301@contoso.test")).isEqualTo("jos\u00e9@contoso.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a\u00a0b@contoso.test", // no-break space
        "a\u3000b@contoso.test", // ideographic space
        "a\u200bb@contoso.test", // zero-width space
        "a\u202eb@contoso.test", // right-to-left override
        "a\u2066b@contoso.test", // bidi isolate
        "a\ufeffb@contoso.test", // byte order mark
        "a\ue000b@contoso.test", // private use
        "a\ud800b@contoso.test", // lone surrogate: not UTF-8
        "\"john doe\"@contoso.test", // quoted local parts are not supported
        "jos\u00e9..x@contoso.test", ".jos\u00e9@contoso.test"})
    void invisibleSpacingAndFormatCharactersAreRefused(String address) {
        assertThatThrownBy(() -> InputValidator.address("rcpt-to", address))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("rcpt-to: invalid local part in '");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jos\u00e9@contoso.test\r\nRCPT TO:<x@y.test>", "jos\u00e9\u0085@contoso.test", "jos\u00e9\u2028@contoso.test",
        "\u00fc\u0000@contoso.test"})
    void controlCharactersNextToNonAsciiAreStillRefusedAsControlCharacters(String hostile) {
        assertThatThrownBy(() -> InputValidator.address("rcpt-to", hostile))
                .hasMessageStartingWith("rcpt-to: control character");
    }

    @Test
    void invalidALabelsStayRefusedInAddresses() {
        assertThatThrownBy(() -> InputValidator.address("rcpt-to", "josé@xn--zz.test")).isInstanceOf(InvalidInputException.class);
    }
}
