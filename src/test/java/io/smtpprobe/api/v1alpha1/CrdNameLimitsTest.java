package io.smtpprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.request.Field;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The committed CRD on a real kube-apiserver (server-side dry run): its patterns, maxLength and
 * CEL rules hold the RFC 5321 limits at exactly the limit and one over, accept SMTPUTF8 local
 * parts and refuse invisible characters, and agree with the one validator on each case.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrdNameLimitsTest {
    private CommittedCrdServer apiServer;

    @BeforeAll
    void installTheCrd() throws IOException {
        apiServer = CommittedCrdServer.start("limits");
    }

    @AfterAll
    void stop() {
        if (apiServer != null) {
            apiServer.close();
        }
    }

    /** A name of exactly {@code octets} characters: 63-character labels, then a shorter one, then {@code .test}. */
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

    @Test
    void localPartsAreCountedInUtf8OctetsByTheCelRule() {
        for (String local : List.of("a".repeat(64), "ü".repeat(32), "ü".repeat(31) + "ab", "用".repeat(21) + "a")) {
            agree(Field.RCPT_TO, local + "@contoso.test", true);
            agree(Field.MAIL_FROM, local + "@contoso.test", true);
        }
        for (String local : List.of("a".repeat(65), "ü".repeat(31) + "abc", "用".repeat(22))) {
            agree(Field.RCPT_TO, local + "@contoso.test", false);
            assertThat(apiServer.lastRefusal()).contains("spec.rcptTo", WireText.LOCAL_PART_OCTETS_MESSAGE).doesNotContain("should match");
            agree(Field.MAIL_FROM, local + "@contoso.test", false);
            assertThat(apiServer.lastRefusal()).contains("spec.mailFrom", WireText.LOCAL_PART_OCTETS_MESSAGE).doesNotContain("should match");
        }
    }

    @Test
    void mailboxesOf254CharactersAreAcceptedAnd255Refused() {
        String local = "a".repeat(64) + "@";
        agree(Field.RCPT_TO, local + domainOf(254 - local.length()), true);
        agree(Field.RCPT_TO, local + domainOf(255 - local.length()), false);
        agree(Field.MAIL_FROM, local + domainOf(254 - local.length()), true);
        agree(Field.MAIL_FROM, local + domainOf(255 - local.length()), false);
    }

    @Test
    void domainsAndLabelsHaveTheirLimits() {
        agree(Field.DOMAINS, domainOf(253), true);
        agree(Field.DOMAINS, domainOf(253) + ".", true);
        agree(Field.DOMAINS, domainOf(254) + ".", false);
        agree(Field.DOMAINS, "a".repeat(63) + ".test", true);
        agree(Field.DOMAINS, "a".repeat(64) + ".test", false);
        agree(Field.EHLO, domainOf(253) + ".", true);
        agree(Field.EHLO, "a".repeat(64) + ".test", false);
    }

    @Test
    void smtputf8LocalPartsAreAcceptedAndInvisibleCharactersRefused() {
        for (String ok : List.of("josé@contoso.test", "用户@例え.test", "δοκιμή@bücher.test")) {
            agree(Field.RCPT_TO, ok, true);
            agree(Field.MAIL_FROM, ok, true);
        }
        for (String bad : List.of("a\u00a0b@contoso.test", "a\u200bb@contoso.test", "a\u202eb@contoso.test",
                "josé@contoso.test\r\nRCPT TO:<x@contoso.test>", "\"john doe\"@contoso.test")) {
            agree(Field.RCPT_TO, bad, false);
            agree(Field.MAIL_FROM, bad, false);
        }
    }

    @Test
    void anALabelTooLongIsLeftToTheValidator() {
        // 57 characters: the schema cannot tell that the A-label is 64 octets, the operator's validator refuses it.
        String name = "ü" + "a".repeat(56) + ".test";
        assertThat(apiServerAccepts(Field.DOMAINS, name)).isTrue();
        assertThat(WireTextAgreementTest.validatorAccepts(Field.DOMAINS, name)).isFalse();
    }

    private void agree(Field field, String value, boolean accepted) {
        assertThat(apiServerAccepts(field, value)).as("API server on %s '%s'", field, value).isEqualTo(accepted);
        assertThat(WireTextAgreementTest.validatorAccepts(field, value)).as("validator on %s '%s'", field, value).isEqualTo(accepted);
    }

    private boolean apiServerAccepts(Field field, String value) {
        SmtpProbeSpec spec = new SmtpProbeSpec();
        spec.setDomains(List.of("contoso.test"));
        Consumer<String> set = switch (field) {
            case DOMAINS -> v -> spec.setDomains(List.of(v));
            case EHLO -> spec::setEhloName;
            case MAIL_FROM -> spec::setMailFrom;
            case RCPT_TO -> v -> spec.setRcptTo(List.of(v));
            default -> throw new IllegalArgumentException(field.name());
        };
        set.accept(value);
        return apiServer.accepts(spec);
    }
}
