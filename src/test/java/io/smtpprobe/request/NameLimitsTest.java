package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.core.ProbeRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 5321 §4.5.3.1 and RFC 1035 limits, at exactly the limit and one octet over, counted on the wire form. */
class NameLimitsTest {

    /** A name of exactly {@code octets} octets: 63-octet labels, then a shorter one, then {@code .test}. */
    static String domainOf(int octets) {
        StringBuilder sb = new StringBuilder();
        int left = octets - ".test".length();
        while (left > 0) {
            int label = Math.min(63, left == 64 ? 62 : left);
            sb.append("a".repeat(label)).append('.');
            left -= label + 1;
        }
        sb.append("test");
        assertThat(sb).hasSize(octets);
        return sb.toString();
    }

    static ProbeRequest validate(Field field, String value) {
        var input = new ProbeInput().add(field, value);
        if (field != Field.DOMAINS) {
            input.add(Field.DOMAINS, "contoso.test");
        }
        return RequestValidator.validate(input, RequestDefaults.CHECK);
    }

    static String problem(Field field, String value) {
        try {
            validate(field, value);
        } catch (InvalidRequestException e) {
            return e.problems().get(0).message();
        }
        throw new AssertionError(field + " '" + value + "' was accepted");
    }

    @Test
    void aLabelOf63OctetsIsAcceptedAnd64Refused() {
        assertThat(InputValidator.domain("domain", "a".repeat(63) + ".test")).startsWith("a".repeat(63));
        assertThatThrownBy(() -> InputValidator.domain("domain", "a".repeat(64) + ".test"))
                .hasMessage("domain: domain label '" + "a".repeat(64) + "' is 64 octets, DNS allows 63");
    }

    @Test
    void labelsAreMeasuredAfterALabelConversion() {
        // 56 characters, but 63 octets as an A-label: xn--, the 55 letters, a hyphen and three letters coding the ü.
        String atLimit = "ü" + "a".repeat(55);
        assertThat(InputValidator.domain("domain", atLimit + ".test")).hasSize(63 + 5).startsWith("xn--");
        String over = "ü" + "a".repeat(56);
        assertThatThrownBy(() -> InputValidator.domain("domain", over + ".test"))
                .hasMessageMatching("domain: domain label '" + over + "' \\(A-label xn--a{56}-[a-z0-9]{3}\\) is 64 octets, DNS allows 63");
    }

    @Test
    void aDomainOf253OctetsIsAcceptedWithOrWithoutTheRootDotAnd254Refused() {
        assertThat(InputValidator.domain("domain", domainOf(253))).hasSize(253);
        assertThat(InputValidator.domain("domain", domainOf(253) + ".")).hasSize(253);
        assertThatThrownBy(() -> InputValidator.domain("domain", domainOf(254)))
                .hasMessage("domain: domain name is 254 octets, DNS allows 253");
        assertThat(validate(Field.DOMAINS, domainOf(253) + ".").domains()).containsExactly(domainOf(253));
        assertThat(problem(Field.DOMAINS, domainOf(254))).isEqualTo("domain name is 254 octets, DNS allows 253");
    }

    @Test
    void anInternationalisedDomainIsMeasuredInALabelForm() {
        // ü is one character but its A-label xn--tda seven octets.
        assertThat(InputValidator.domain("domain", "ü." + domainOf(245))).hasSize(253).startsWith("xn--tda.");
        assertThatThrownBy(() -> InputValidator.domain("domain", "ü." + domainOf(246)))
                .hasMessage("domain: domain name is 254 octets in A-label form, DNS allows 253");
    }

    @Test
    void aLocalPartOf64OctetsIsAcceptedAnd65Refused() {
        assertThat(InputValidator.address("rcpt-to", "a".repeat(64) + "@contoso.test")).startsWith("a".repeat(64) + "@");
        assertThatThrownBy(() -> InputValidator.address("rcpt-to", "a".repeat(65) + "@contoso.test"))
                .hasMessage("rcpt-to: local part is 65 octets, RFC 5321 allows 64");
    }

    @Test
    void aNonAsciiLocalPartIsMeasuredInUtf8Octets() {
        // ü is two octets: 31 of them and two letters are 64 octets, one more letter 65.
        assertThat(InputValidator.address("rcpt-to", "ü".repeat(31) + "ab@contoso.test")).startsWith("ü".repeat(31));
        assertThatThrownBy(() -> InputValidator.address("rcpt-to", "ü".repeat(31) + "abc@contoso.test"))
                .hasMessage("rcpt-to: local part is 65 octets, RFC 5321 allows 64");
    }

    @Test
    void aPathOf256OctetsWithItsBracketsIsAcceptedAnd257Refused() {
        String local = "a".repeat(64) + "@";
        String atLimit = local + domainOf(254 - local.length());
        assertThat(InputValidator.address("rcpt-to", atLimit)).hasSize(254);
        assertThat(InputValidator.address("rcpt-to", "<" + atLimit + ">")).hasSize(254);
        String over = local + domainOf(255 - local.length());
        assertThatThrownBy(() -> InputValidator.address("rcpt-to", over))
                .hasMessage("rcpt-to: path <" + InputValidator.printable(over) + "> is 257 octets, RFC 5321 allows 256");
        assertThat(validate(Field.RCPT_TO, "<" + atLimit + ">").options().rcptTo()).containsExactly(atLimit);
        assertThat(validate(Field.MAIL_FROM, atLimit).options().mailFrom()).isEqualTo(atLimit);
        assertThat(problem(Field.RCPT_TO, over)).isEqualTo("path <" + InputValidator.printable(over) + "> is 257 octets, RFC 5321 allows 256");
        assertThat(problem(Field.MAIL_FROM, "<" + over + ">")).endsWith("is 257 octets, RFC 5321 allows 256");
    }

    @Test
    void aPathWithANonAsciiLocalPartCountsItsUtf8Octets() {
        // 32 ü are 64 octets but 32 characters: the path is 257 octets though it is 225 characters.
        String local = "ü".repeat(32) + "@";
        String over = local + domainOf(255 - 65);
        assertThat(over.length()).isLessThan(254);
        assertThatThrownBy(() -> InputValidator.address("rcpt-to", over)).hasMessageEndingWith("is 257 octets, RFC 5321 allows 256");
        String atLimit = local + domainOf(254 - 65);
        assertThat(InputValidator.address("rcpt-to", atLimit)).isEqualTo(atLimit);
    }

    @Test
    void ehloNamesAndServersHaveTheDomainLimits() {
        assertThat(validate(Field.EHLO, domainOf(253)).options().ehloName()).isEqualTo(domainOf(253));
        assertThat(problem(Field.EHLO, domainOf(254))).isEqualTo("domain name is 254 octets, DNS allows 253");
        assertThat(problem(Field.EHLO, "a".repeat(64) + ".test")).isEqualTo("domain label '" + "a".repeat(64) + "' is 64 octets, DNS allows 63");
        assertThat(validate(Field.SERVER, domainOf(253) + ":25").servers().get(0).host()).isEqualTo(domainOf(253));
        assertThat(problem(Field.SERVER, domainOf(254) + ":25")).isEqualTo("domain name is 254 octets, DNS allows 253");
    }

    @Test
    void aRecipientsProblemNamesItsEntry() {
        var input = new ProbeInput().add(Field.DOMAINS, "contoso.test")
                .addAll(Field.RCPT_TO, List.of("ok@contoso.test", "a".repeat(65) + "@contoso.test"));
        assertThatThrownBy(() -> RequestValidator.validate(input, RequestDefaults.CHECK))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems())
                        .containsExactly(Problem.of(Field.RCPT_TO, 1, "local part is 65 octets, RFC 5321 allows 64")));
    }
}
