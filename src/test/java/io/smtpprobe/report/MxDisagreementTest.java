package io.smtpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MxDisagreementTest {

    @Test
    void backupAcceptingWhatThePrimaryRejectsIsABackscatterPathInTheRenderersWords() {
        var primary = server("mx1.fabrikam.test", "192.0.2.1", 10, Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown");
        var backup = accepted("mx2.fabrikam.test", "192.0.2.2", 20);

        var found = MxDisagreement.find(domain("fabrikam.test", primary, backup));

        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.primary()).isEqualTo(primary);
            assertThat(d.backup()).isEqualTo(backup);
            assertThat(d.describe()).isEqualTo("fabrikam.test: backup MX accepts what a preferred MX rejects (a backscatter path): "
                    + "MX 10 mx1.fabrikam.test (192.0.2.1:25) RCPT 550 5.1.1 User unknown, "
                    + "but MX 20 mx2.fabrikam.test (192.0.2.2:25) accepted (250 2.1.5 Ok)");
        });
        assertThat(MxDisagreement.compared(domain("fabrikam.test", primary, backup))).isTrue();
    }

    @Test
    void senderAndMessageRejectionsCountAsTheRecipientsDo() {
        var sender = server("mx1.a.test", "192.0.2.1", 10, Stage.MailFrom, Reason.SenderRejected, 553, "5.1.8 Sender domain unknown");
        var message = server("mx1.b.test", "192.0.2.1", 10, Stage.Data, Reason.MessageRejected, 554, "5.7.1 Spam");

        assertThat(MxDisagreement.find(List.of(domain("a.test", sender, accepted("mx2.a.test", "192.0.2.2", 20)),
                domain("b.test", message, accepted("mx2.b.test", "192.0.2.2", 20))))).hasSize(2);
    }

    @Test
    void thePrimaryAcceptingWhatTheBackupRejectsIsLeftToTheVerdict() {
        var primary = accepted("mx1.contoso.test", "192.0.2.1", 10);
        var backup = server("mx2.contoso.test", "192.0.2.2", 20, Stage.RcptTo, Reason.RelayDenied, 554, "5.7.1 Relay access denied");

        assertThat(MxDisagreement.find(domain("contoso.test", primary, backup))).isEmpty();
        assertThat(MxDisagreement.compared(domain("contoso.test", primary, backup))).isTrue();
    }

    @Test
    void transientRefusalsAndClientLevelRefusalsAreNoDisagreement() {
        var greylisted = server("mx1.a.test", "192.0.2.1", 10, Stage.RcptTo, Reason.Greylisted, 450, "4.7.1 Greylisted");
        var banner = server("mx1.b.test", "192.0.2.1", 10, Stage.Banner, Reason.ServiceNotAvailable, 554, "5.7.1 Blocklisted");
        var helo = server("mx1.c.test", "192.0.2.1", 10, Stage.Ehlo, Reason.InvalidHeloName, 550, "5.7.1 Bad HELO");

        assertThat(MxDisagreement.find(List.of(domain("a.test", greylisted, accepted("mx2.a.test", "192.0.2.2", 20)),
                domain("b.test", banner, accepted("mx2.b.test", "192.0.2.2", 20)),
                domain("c.test", helo, accepted("mx2.c.test", "192.0.2.2", 20))))).isEmpty();
    }

    @Test
    void serversOfOnePreferenceAreNotBackupsOfEachOther() {
        var one = server("mx1.a.test", "192.0.2.1", 10, Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown");
        var other = accepted("mx1.a.test", "192.0.2.2", 10);

        assertThat(MxDisagreement.find(domain("a.test", one, other))).isEmpty();
        assertThat(MxDisagreement.compared(domain("a.test", one, other))).isFalse();
    }

    @Test
    void aBackupThatWasNotReachedComparesNothing() {
        var primary = server("mx1.a.test", "192.0.2.1", 10, Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown");
        var unreachable = ServerResult.builder().host("mx2.a.test").address("192.0.2.2").port(25).preference(20)
                .stage(Stage.Connect).reason(Reason.ConnectRefused).detail("Connection refused").build();

        assertThat(MxDisagreement.find(domain("a.test", primary, unreachable))).isEmpty();
        assertThat(MxDisagreement.compared(domain("a.test", primary, unreachable))).isFalse();
        assertThat(MxDisagreement.compared(domain("a.test", primary))).isFalse();
    }

    @Test
    void eachAcceptingBackupIsPairedWithTheMostPreferredRejectingMx() {
        var first = server("mx1.a.test", "192.0.2.1", 10, Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown");
        var second = server("mx2.a.test", "192.0.2.2", 20, Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown");
        var third = accepted("mx3.a.test", "192.0.2.3", 30);
        var fourth = accepted("mx4.a.test", "192.0.2.4", 40);

        assertThat(MxDisagreement.find(domain("a.test", first, second, third, fourth)))
                .extracting(d -> d.primary().host() + ">" + d.backup().host())
                .containsExactly("mx1.a.test>mx3.a.test", "mx1.a.test>mx4.a.test");
    }

    private static ServerResult server(String host, String address, int preference, Stage stage, Reason reason, int code,
            String text) {
        return ServerResult.builder().host(host).address(address).port(25).preference(preference).stage(stage)
                .reply(Reply.of(code, List.of(text))).reason(reason).build();
    }

    private static ServerResult accepted(String host, String address, int preference) {
        return server(host, address, preference, Stage.Quit, Reason.Accepted, 250, "2.1.5 Ok");
    }

    private static DomainResult domain(String domain, ServerResult... servers) {
        Outcome result = Arrays.stream(servers).map(ServerResult::outcome).reduce(Outcome.Success, Outcome::worst);
        return new DomainResult(domain, result, servers[0].reason(), null,
                Arrays.stream(servers).map(s -> new MxHost(s.host(), s.preference(), false, List.of(), null)).toList(),
                List.of(servers));
    }
}
