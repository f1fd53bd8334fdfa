package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.Reason;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpectationValidationTest {

    static ProbeInput contoso() {
        return new ProbeInput().add(Field.DOMAINS, "contoso.test");
    }

    static InvalidRequestException refused(ProbeInput input) {
        try {
            RequestValidator.validateExpecting(input, RequestDefaults.CHECK);
        } catch (InvalidRequestException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }

    @Test
    void reasonListsAreCommaSeparatedRepeatableAndCaseInsensitive() {
        var validated = RequestValidator.validateExpecting(contoso().add(Field.EXPECT, "RecipientUnknown, relaydenied")
                .add(Field.EXPECT, "StartTlsNotOffered").add(Field.EXPECT_CODE, "550").add(Field.EXPECT_ENHANCED, "5.1.1"),
                RequestDefaults.CHECK);

        assertThat(validated.expectation()).isEqualTo(new Expectation(
                Set.of(Reason.RecipientUnknown, Reason.RelayDenied, Reason.StartTlsNotOffered), 550, "5.1.1"));
        assertThat(validated.request().domains()).containsExactly("contoso.test");
    }

    @Test
    void noExpectationFieldsMeanNoExpectation() {
        assertThat(RequestValidator.validateExpecting(contoso(), RequestDefaults.CHECK).expectation()).isEqualTo(Expectation.NONE);
    }

    @Test
    void anUnknownReasonIsRefusedListingEveryValidOne() {
        var e = refused(contoso().add(Field.EXPECT, "RecipientUnknown,UserUnknown"));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo(Field.EXPECT);
            assertThat(p.message()).startsWith("unknown reason 'UserUnknown' (one of Accepted, DnsNameNotFound,")
                    .contains("RecipientUnknown", "RelayDenied", "StartTlsNotOffered", "NullMxMisconfigured");
        });
    }

    @Test
    void anEmptyReasonIsRefused() {
        assertThat(refused(contoso().add(Field.EXPECT, "RecipientUnknown,")).problems().get(0).message()).startsWith("empty reason");
    }

    @Test
    void codesOutsideTheReplyRangeOrFormatAreRefused() {
        assertThat(refused(contoso().add(Field.EXPECT_CODE, "700")).problems().get(0).message()).contains("outside 200..599");
        assertThat(refused(contoso().add(Field.EXPECT_CODE, "55O")).problems().get(0).message()).contains("three digits");
        assertThat(refused(contoso().add(Field.EXPECT_ENHANCED, "5.1")).problems().get(0).message()).contains("RFC 3463");
        assertThat(refused(contoso().add(Field.EXPECT_ENHANCED, "3.1.1")).problems().get(0).message()).contains("class 2, 4 or 5");
    }

    @Test
    void anEnhancedCodeOfAnotherClassThanTheCodeIsRefused() {
        var problem = refused(contoso().add(Field.EXPECT_CODE, "550").add(Field.EXPECT_ENHANCED, "4.7.1")).problems().get(0);

        assertThat(problem.field()).isEqualTo(Field.EXPECT_ENHANCED);
        assertThat(problem.message()).contains("no reply carries both");
    }

    @Test
    void controlCharactersAreRefusedAsEverywhereElse() {
        assertThat(refused(contoso().add(Field.EXPECT, "RecipientUnknown\r\nQUIT")).problems().get(0).message())
                .contains("control character");
    }

    @Test
    void requestAndExpectationProblemsAreListedTogetherInFieldOrder() {
        var e = refused(new ProbeInput().add(Field.DOMAINS, "bad..test").add(Field.EXPECT, "Nope"));

        assertThat(e.problems()).extracting(Problem::field).containsExactly(Field.DOMAINS, Field.EXPECT);
    }
}
