package io.smtpprobe.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpectationTest {

    static ServerResult server(Stage stage, Reason reason, int code, String text) {
        return ServerResult.builder().host("mx.fabrikam.test").address("127.0.0.2").port(2525).preference(10).stage(stage)
                .reply(Reply.of(code, List.of(text))).reason(reason).latencyMs(Map.of()).build();
    }

    static DomainResult domain(ServerResult server) {
        return new DomainResult("fabrikam.test", server.outcome(), server.reason(), null, List.of(), List.of(server));
    }

    static final DomainResult UNKNOWN_USER = domain(server(Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown"));
    static final DomainResult ACCEPTED = domain(server(Stage.Quit, Reason.Accepted, 250, "2.1.5 Ok"));
    static final DomainResult RELAY_DENIED = domain(server(Stage.RcptTo, Reason.RelayDenied, 554, "5.7.1 Relay access denied"));
    static final DomainResult NXDOMAIN = new DomainResult("nosuch.test", Outcome.PermanentFailure, Reason.DnsNameNotFound,
            "NXDOMAIN for nosuch.test", List.of(), List.of());

    @Test
    void anExpectedRefusalIsMetAndSaysSoInTheSameWordsOnBothSides() {
        var expectation = new Expectation(Set.of(Reason.RecipientUnknown), null, null);

        var match = expectation.match(UNKNOWN_USER);

        assertThat(match).isEqualTo(new Expectation.Match(true, "RecipientUnknown", "RecipientUnknown"));
    }

    @Test
    void anAcceptanceWhereARefusalWasExpectedIsNotMet() {
        var expectation = new Expectation(Set.of(Reason.RelayDenied), null, null);

        assertThat(expectation.match(ACCEPTED)).isEqualTo(new Expectation.Match(false, "RelayDenied", "Accepted"));
        assertThat(expectation.match(RELAY_DENIED).met()).isTrue();
    }

    @Test
    void anyOfSeveralReasonsWillDoAndTheyReadInTheDocumentedOrder() {
        var expectation = new Expectation(Set.of(Reason.RelayDenied, Reason.RecipientUnknown), null, null);

        assertThat(expectation.match(UNKNOWN_USER).met()).isTrue();
        assertThat(expectation.match(RELAY_DENIED).met()).isTrue();
        assertThat(expectation.match(ACCEPTED).met()).isFalse();
        assertThat(expectation.expected()).isEqualTo("RecipientUnknown or RelayDenied");
    }

    @Test
    void replyCodesAreComparedWithTheDecidingReplyAndShownBesideIt() {
        var exact = new Expectation(Set.of(Reason.RecipientUnknown), 550, "5.1.1");
        var otherDetail = new Expectation(Set.of(), 550, "5.7.1");

        assertThat(exact.match(UNKNOWN_USER)).isEqualTo(new Expectation.Match(true,
                "RecipientUnknown with reply 550 5.1.1", "RecipientUnknown with reply 550 5.1.1"));
        assertThat(otherDetail.match(UNKNOWN_USER)).isEqualTo(new Expectation.Match(false,
                "reply 550 5.7.1", "RecipientUnknown with reply 550 5.1.1"));
        assertThat(new Expectation(Set.of(), 550, null).match(RELAY_DENIED).met()).as("554 is not 550").isFalse();
        assertThat(new Expectation(Set.of(), null, "5.7.1").match(RELAY_DENIED).met()).isTrue();
    }

    @Test
    void aCodeIsNeverMetWhenNoServerAnswered() {
        var expectation = new Expectation(Set.of(), 550, null);

        assertThat(expectation.match(NXDOMAIN)).isEqualTo(new Expectation.Match(false, "reply 550", "DnsNameNotFound with no reply"));
        assertThat(new Expectation(Set.of(Reason.DnsNameNotFound), null, null).match(NXDOMAIN).met()).isTrue();
    }

    @Test
    void withoutAnExpectationOnlyAnAcceptedDialogueIsHealthy() {
        assertThat(Expectation.NONE.isSet()).isFalse();
        assertThat(Expectation.NONE.match(ACCEPTED)).isEqualTo(new Expectation.Match(true, "Accepted", "Accepted"));
        assertThat(Expectation.NONE.match(UNKNOWN_USER).met()).isFalse();
    }

    @Test
    void aReportMeetsTheExpectationOnlyWhenEveryDomainDoes() {
        var expectation = new Expectation(Set.of(Reason.RecipientUnknown), null, null);

        assertThat(expectation.metBy(new ProbeReport(Outcome.PermanentFailure, Reason.RecipientUnknown, List.of(UNKNOWN_USER))))
                .isTrue();
        assertThat(expectation.metBy(new ProbeReport(Outcome.PermanentFailure, Reason.RecipientUnknown,
                List.of(UNKNOWN_USER, ACCEPTED)))).isFalse();
    }

    @Test
    void impossibleExpectationsAreRefused() {
        assertThatThrownBy(() -> new Expectation(Set.of(), 199, null)).hasMessageContaining("200..599");
        assertThatThrownBy(() -> new Expectation(Set.of(), null, "5.1")).hasMessageContaining("CLASS.SUBJECT.DETAIL");
        assertThatThrownBy(() -> new Expectation(Set.of(), 550, "4.7.1")).hasMessageContaining("cannot come with reply code 550");
    }
}
