package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.operator.controller.InvalidSpecException;
import io.smtpprobe.request.Field;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 5321 limits at exactly the limit and one octet over, through the {@code check} command
 * line, the REST body and an SmtpProbe spec: the same verdicts (EntryPointAgreementTest's
 * machinery), and a spec's message naming the entry as the status shows it.
 */
class EntryPointNameLimitsTest {

    /** A name of exactly {@code octets} octets: 63-octet labels, then a shorter one, then {@code .test}. */
    static String domainOf(int octets) {
        StringBuilder sb = new StringBuilder();
        int left = octets - ".test".length();
        while (left > 0) {
            int label = Math.min(63, left == 64 ? 62 : left);
            sb.append("a".repeat(label)).append('.');
            left -= label + 1;
        }
        return sb.append("test").toString();
    }

    static final String LOCAL_64 = "a".repeat(64) + "@";

    static Stream<Arguments> boundaries() {
        return Stream.of(
                EntryPointAgreementTest.ok(Field.DOMAINS, domainOf(253)),
                EntryPointAgreementTest.ok(Field.DOMAINS, domainOf(253) + "."),
                EntryPointAgreementTest.refused(Field.DOMAINS, domainOf(254)),
                EntryPointAgreementTest.ok(Field.DOMAINS, "a".repeat(63) + ".test"),
                EntryPointAgreementTest.refused(Field.DOMAINS, "a".repeat(64) + ".test"),
                EntryPointAgreementTest.ok(Field.DOMAINS, "ü" + "a".repeat(55) + ".test"),
                EntryPointAgreementTest.refused(Field.DOMAINS, "ü" + "a".repeat(56) + ".test"),
                EntryPointAgreementTest.ok(Field.SERVER, domainOf(253) + ":2525"),
                EntryPointAgreementTest.refused(Field.SERVER, domainOf(254) + ":2525"),
                EntryPointAgreementTest.ok(Field.EHLO, domainOf(253)),
                EntryPointAgreementTest.refused(Field.EHLO, domainOf(254)),
                EntryPointAgreementTest.ok(Field.RCPT_TO, "a".repeat(64) + "@contoso.test"),
                EntryPointAgreementTest.refused(Field.RCPT_TO, "a".repeat(65) + "@contoso.test"),
                EntryPointAgreementTest.ok(Field.RCPT_TO, "ü".repeat(32) + "@contoso.test"),
                EntryPointAgreementTest.refused(Field.RCPT_TO, "ü".repeat(31) + "abc@contoso.test"),
                EntryPointAgreementTest.ok(Field.RCPT_TO, LOCAL_64 + domainOf(254 - LOCAL_64.length())),
                EntryPointAgreementTest.refused(Field.RCPT_TO, LOCAL_64 + domainOf(255 - LOCAL_64.length())),
                EntryPointAgreementTest.ok(Field.MAIL_FROM, LOCAL_64 + domainOf(254 - LOCAL_64.length())),
                EntryPointAgreementTest.refused(Field.MAIL_FROM, LOCAL_64 + domainOf(255 - LOCAL_64.length())),
                EntryPointAgreementTest.ok(Field.MAIL_FROM, "josé@bücher.test"),
                EntryPointAgreementTest.refused(Field.MAIL_FROM, "jos\u00e9\u200b@b\u00fccher.test"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundaries")
    void everyEntryPointGivesTheSameVerdictAtEachLimit(EntryPointAgreementTest.Case c) {
        assertThat(EntryPointAgreementTest.cli(c)).as("check command line").isEqualTo(EntryPointAgreementTest.expected(c));
        assertThat(EntryPointAgreementTest.rest(c)).as("REST body").isEqualTo(EntryPointAgreementTest.expected(c));
        assertThat(EntryPointAgreementTest.spec(c)).as("SmtpProbe spec").isEqualTo(EntryPointAgreementTest.expected(c));
    }

    @Test
    void aSpecNamesTheRecipientEntryAndItsOctets() {
        var spec = new SmtpProbeSpec();
        spec.setDomains(List.of("contoso.test"));
        spec.setRcptTo(List.of("ok@contoso.test", "a".repeat(65) + "@contoso.test"));
        try {
            EntryPointAgreementTest.MAPPER.map(spec);
            throw new AssertionError("accepted");
        } catch (InvalidSpecException e) {
            assertThat(e.problems()).containsExactly("spec.rcptTo[1]: local part is 65 octets, RFC 5321 allows 64");
        }
    }
}
