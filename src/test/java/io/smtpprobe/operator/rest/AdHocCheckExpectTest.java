package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.Reason;
import io.smtpprobe.request.InvalidRequestException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The REST body takes the expectation as {@code check} does, by the same option names and the same validator. */
class AdHocCheckExpectTest {

    @Test
    void expectOptionsBecomeTheSameExpectationAsOnTheCommandLine() throws Exception {
        var validated = AdHocCheck.request(AdHocCheckTest.json(
                "{'domains':['contoso.test'],'expect':['RelayDenied','RecipientUnknown'],'expect-code':554,'expect-enhanced':'5.7.1'}"));

        assertThat(validated.expectation()).isEqualTo(new Expectation(Set.of(Reason.RelayDenied, Reason.RecipientUnknown), 554, "5.7.1"));
    }

    @Test
    void aBodyWithoutExpectExpectsAcceptance() throws Exception {
        assertThat(AdHocCheck.request(AdHocCheckTest.json("{'domains':['contoso.test']}")).expectation()).isEqualTo(Expectation.NONE);
    }

    @Test
    void anUnknownReasonIsRefusedByItsKey() {
        assertThatThrownBy(() -> AdHocCheck.request(AdHocCheckTest.json("{'domains':['contoso.test'],'expect':['UserUnknown']}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(AdHocCheckTest.field(e)).isEqualTo("expect");
                    assertThat(e.getMessage()).contains("unknown reason 'UserUnknown' (one of Accepted,");
                });
    }

    @Test
    void aRandomLocalPartIsFilledAsOnTheCommandLine() throws Exception {
        var request = AdHocCheck.request(AdHocCheckTest.json("{'domains':['contoso.test'],'rcpt-to':'{random}@contoso.test'}")).request();

        assertThat(request.options().rcptTo()).singleElement().asString().matches("[a-z0-9]{16}@contoso\\.test");
    }
}
