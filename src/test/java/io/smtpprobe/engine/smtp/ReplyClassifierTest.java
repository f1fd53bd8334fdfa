package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Reason;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyClassifierTest {

    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            Banner   | 421 4.3.2 Service not available     | ServiceNotAvailable
            Banner   | 554 5.7.1 blocked using zen          | ServiceNotAvailable
            Ehlo     | 501 5.5.4 Invalid domain name        | InvalidHeloName
            Helo     | 501 Syntax error                     | InvalidHeloName
            Ehlo     | 502 5.5.2 Error: command not recognized | CommandUnrecognized
            Ehlo     | 500 unrecognized command             | CommandUnrecognized
            MailFrom | 530 5.7.0 Must issue a STARTTLS command first | AuthenticationRequired
            MailFrom | 550 Authentication required          | AuthenticationRequired
            MailFrom | 535 5.7.8 Authentication credentials invalid | AuthenticationFailed
            MailFrom | 550 5.1.7 Sender address rejected    | SenderRejected
            MailFrom | 553 sender domain not found          | SenderRejected
            MailFrom | 501 5.1.7 Bad sender address syntax  | SenderRejected
            RcptTo   | 550 5.1.1 <a@example.test>: Recipient address rejected: User unknown | RecipientUnknown
            RcptTo   | 551 5.1.6 user has moved             | RecipientUnknown
            RcptTo   | 553 no such mailbox                  | RecipientUnknown
            RcptTo   | 550 User unknown in virtual table    | RecipientUnknown
            RcptTo   | 554 5.7.1 <a@example.test>: Relay access denied | RelayDenied
            RcptTo   | 550 5.7.1 relaying not permitted     | RelayDenied
            RcptTo   | 452 4.2.2 Mailbox full               | MailboxFull
            RcptTo   | 552 5.2.2 Over quota                 | MailboxFull
            RcptTo   | 450 4.7.1 <a@example.test>: Recipient address rejected: try again later | Greylisted
            RcptTo   | 451 4.7.1 Please try again later     | Greylisted
            RcptTo   | 450 4.2.0 Greylisted, see https://postgrey.test | Greylisted
            RcptTo   | 450 4.2.1 mailbox busy               | TemporaryFailure
            RcptTo   | 554 5.7.0 policy says no             | PermanentFailure
            Data     | 550 5.7.0 message rejected           | MessageRejected
            RcptTo   | 530 5.7.1 Client was not authenticated | AuthenticationRequired
            RcptTo   | 450 4.7.1 <smtp-probe.invalid>: Helo command rejected: Host not found | InvalidHeloName
            RcptTo   | 451 4.7.1 Temporary local policy failure | TemporaryFailure
            MailFrom | 452 4.3.1 Insufficient system storage | TemporaryFailure
            RcptTo   | 452 4.5.3 Too many recipients        | TemporaryFailure
            Data     | 552 5.3.4 Message size exceeds fixed limit | MessageRejected
            RcptTo   | 550 5.1.8 <a@b.test>: Sender address rejected: Domain not found | SenderRejected
            RcptTo   | 552 Mailbox full                     | MailboxFull
            RcptTo   | 554 5.6.0 nope                       | PermanentFailure
            Data     | 554 5.7.1 spam detected              | MessageRejected
            Data     | 451 4.3.0 local error                | TemporaryFailure
            StartTls | 454 4.7.0 TLS not available          | TemporaryFailure
            RcptTo   | 250 2.1.5 Ok                         | Accepted
            """)
    void classifiesLikeAnAdministrator(Stage stage, String reply, Reason expected) {
        int code = Integer.parseInt(reply.substring(0, 3));
        assertThat(ReplyClassifier.classify(stage, Reply.of(code, List.of(reply.substring(4)))))
                .isEqualTo(expected);
    }
}
