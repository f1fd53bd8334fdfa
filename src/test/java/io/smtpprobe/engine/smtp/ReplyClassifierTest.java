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
        assertThat(classify(stage, reply)).isEqualTo(expected);
    }

    /** The wordings issue 11 found misread, each as the MTA sends it. */
    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Ehlo     | 550 Administrative prohibition       | InvalidHeloName
            Ehlo     | 550 HELO host name invalid           | InvalidHeloName
            Helo     | 550 HELO denied                      | InvalidHeloName
            Ehlo     | 450 EHLO denied                      | InvalidHeloName
            RcptTo   | 550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain | RelayDenied
            RcptTo   | 550 5.7.64 TenantAttribution; Relay Access Denied | RelayDenied
            RcptTo   | 550 I cannot deliver mail for <a@elsewhere.test> | RelayDenied
            RcptTo   | 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1) | RelayDenied
            RcptTo   | 554 5.7.1 <a@b.test>: Sender address rejected: Access denied | SenderRejected
            RcptTo   | 550 5.1.0 <a@b.test>: Sender address rejected: User unknown in local recipient table | SenderRejected
            RcptTo   | 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup | RecipientUnknown
            RcptTo   | 550 5.4.1 Recipient address rejected: Access denied. AS(201806281) | RecipientUnknown
            """)
    void realWorldWordingsOnceMisreadGetTheirReason(Stage stage, String reply, Reason expected) {
        assertThat(classify(stage, reply)).isEqualTo(expected);
    }

    /** A code the table does not know, or a refusal without words, gets the general reason of its class. */
    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            RcptTo   | 550 5.9.99 something new             | PermanentFailure
            RcptTo   | 450 4.9.99 something new             | TemporaryFailure
            RcptTo   | 550 Administrative prohibition       | PermanentFailure
            RcptTo   | 550 5.4.1 Access denied              | PermanentFailure
            RcptTo   | 554 5.7.1 <a@b.test>: Recipient address rejected: Access denied | PermanentFailure
            RcptTo   | 552 too many recipients              | PermanentFailure
            RcptTo   | 451 Sorry, too busy. Try again later. | TemporaryFailure
            RcptTo   | 451 4.7.0 Temporary server error. Please try again later. PRX4 | TemporaryFailure
            RcptTo   | 450 4.1.1 <a@b.test>: Recipient address rejected: unverified address: Address verification in progress | TemporaryFailure
            Ehlo     | 451 Temporary local problem - please try later | TemporaryFailure
            MailFrom | 451 4.9.99 something new             | TemporaryFailure
            """)
    void anUnknownCodeFallsBackByClassNeverToAWrongSpecificReason(Stage stage, String reply, Reason expected) {
        assertThat(classify(stage, reply)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            RcptTo   | 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.dnsbl.test | ServiceNotAvailable
            RcptTo   | 450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.1] | ServiceNotAvailable
            RcptTo   | 550 5.7.1 [192.0.2.1] The IP you're using to send mail is not authorized to send email directly to our servers. Please use the SMTP relay at your service provider instead. | ServiceNotAvailable
            RcptTo   | 550 5.3.2 Service currently unavailable | ServiceNotAvailable
            """)
    void aRefusalOfTheClientItselfIsNotBlamedOnTheRecipient(Stage stage, String reply, Reason expected) {
        assertThat(classify(stage, reply)).isEqualTo(expected);
    }

    private static Reason classify(Stage stage, String reply) {
        int code = Integer.parseInt(reply.substring(0, 3));
        return ReplyClassifier.classify(stage, Reply.of(code, List.of(reply.substring(4))));
    }
}
