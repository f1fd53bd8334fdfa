package io.smtpprobe.engine.smtp;

import static io.smtpprobe.core.Reason.Accepted;
import static io.smtpprobe.core.Reason.AuthenticationFailed;
import static io.smtpprobe.core.Reason.AuthenticationRequired;
import static io.smtpprobe.core.Reason.CommandUnrecognized;
import static io.smtpprobe.core.Reason.Greylisted;
import static io.smtpprobe.core.Reason.InvalidHeloName;
import static io.smtpprobe.core.Reason.MailboxFull;
import static io.smtpprobe.core.Reason.MessageRejected;
import static io.smtpprobe.core.Reason.PermanentFailure;
import static io.smtpprobe.core.Reason.RecipientUnknown;
import static io.smtpprobe.core.Reason.RelayDenied;
import static io.smtpprobe.core.Reason.SenderRejected;
import static io.smtpprobe.core.Reason.ServiceNotAvailable;
import static io.smtpprobe.core.Reason.TemporaryFailure;
import static io.smtpprobe.core.Stage.Auth;
import static io.smtpprobe.core.Stage.Banner;
import static io.smtpprobe.core.Stage.Data;
import static io.smtpprobe.core.Stage.Ehlo;
import static io.smtpprobe.core.Stage.Helo;
import static io.smtpprobe.core.Stage.MailFrom;
import static io.smtpprobe.core.Stage.RcptTo;

import java.util.List;

/**
 * The classification table, in evaluation order; the first rule that applies decides. Stage and
 * codes come first because they are what SMTP defines; words come after and only where the codes
 * are vague, because every MTA words the same refusal differently. Two kinds of words are trusted
 * early: a server that names the object it refuses (Postfix's "Client host rejected:", "Helo
 * command rejected:", "Sender address rejected:") says more than the stage does, since Postfix
 * delays every restriction to RCPT TO by default (smtpd_delay_reject = yes).
 */
final class ClassificationRules {

    /** Phrases that name the connecting client (its IP or reverse DNS) as what is refused. */
    private static final String[] CLIENT_REFUSED = {"client host rejected", "blocked using", "banned sending ip",
        "unsolicited mail originating from your ip", "the ip you're using to send mail",
        "not accepted from this ip"};
    private static final String[] SENDER_REFUSED = {"sender address rejected", "sender verify failed",
        "sender verification failed", "verification failed for <"};
    private static final String[] AUTH_DEMANDED = {"authentication required", "authentication is required",
        "not authenticated", "must authenticate", "must issue an auth command"};
    private static final String[] RELAY_REFUSED = {"relay", "rcpthosts", "i cannot deliver mail for"};
    private static final String[] NO_SUCH_RECIPIENT = {"user unknown", "unknown user", "no such user", "no such mailbox",
        "does not exist", "mailbox unavailable", "mailbox not found", "recipient not found", "invalid recipient",
        "unrouteable address", "unknown recipient", "address rejected: undeliverable"};
    private static final String[] MAILBOX_FULL = {"mailbox full", "mailbox is full", "over quota", "quota exceeded",
        "exceeded storage allocation"};

    static final List<ClassificationRule> ORDERED = List.of(
            new ClassificationRule("code", "2xx or 3xx", Accepted, f -> f.code() < 400),
            new ClassificationRule("code", "`421` at any stage (the server is closing the connection)",
                    ServiceNotAvailable, f -> f.code() == 421),
            new ClassificationRule("stage", "any 4xx/5xx greeting", ServiceNotAvailable, f -> f.atStage(Banner)),
            new ClassificationRule("code", "`500` or `502`", CommandUnrecognized, f -> f.codeIs(500, 502)),
            new ClassificationRule("code, wording", "`530`, or words about logging in with no enhanced code or X.7.0/X.7.1",
                    AuthenticationRequired, f -> f.code() == 530
                            || (f.says(AUTH_DEMANDED) && (!f.hasEnhancedCode() || f.enhancedIs("7.0", "7.1")))),
            new ClassificationRule("code, enhanced code", "`535` or X.7.8", AuthenticationFailed,
                    f -> f.code() == 535 || f.enhancedIs("7.8")),
            new ClassificationRule("enhanced code, wording", "X.3.2 (system not accepting messages), or the server names "
                    + "the client as refused: `Client host rejected`, `blocked using`, `banned sending IP`, "
                    + "`unsolicited mail originating from your IP`, `The IP you're using to send mail`, "
                    + "`not accepted from this IP`", ServiceNotAvailable,
                    f -> f.enhancedIs("3.2") || f.says(CLIENT_REFUSED)),
            new ClassificationRule("wording", "`Helo command rejected` at any stage (Postfix's delayed HELO restrictions)",
                    InvalidHeloName, f -> f.says("helo command rejected")),
            new ClassificationRule("stage", "any 5xx to EHLO or HELO: the name is the command's only argument",
                    InvalidHeloName, f -> f.atStage(Ehlo, Helo) && f.isPermanent()),
            new ClassificationRule("stage, wording", "4xx to EHLO or HELO that mentions HELO or EHLO", InvalidHeloName,
                    f -> f.atStage(Ehlo, Helo) && f.says("helo", "ehlo")),
            new ClassificationRule("enhanced code", "X.1.7 or X.1.8 (bad sender address or sender domain)",
                    SenderRejected, f -> f.enhancedIs("1.7", "1.8")),
            new ClassificationRule("wording", "`Sender address rejected`, `Sender verify failed`, "
                    + "`Sender verification failed`, `Verification failed for <…>` at any stage", SenderRejected, f -> f.says(SENDER_REFUSED)),
            new ClassificationRule("enhanced code", "X.3.4 or X.2.3 (message too big)", MessageRejected,
                    f -> f.enhancedIs("3.4", "2.3")),
            new ClassificationRule("stage", "any other 5xx to MAIL FROM", SenderRejected,
                    f -> f.atStage(MailFrom) && f.isPermanent()),
            new ClassificationRule("wording, code", "`greylist`/`graylist`, or `450`/`451` X.7.1 that asks to "
                    + "`try again later`", Greylisted, ClassificationRules::isGreylisting),
            new ClassificationRule("stage, enhanced code", "X.7.54 to RCPT TO (Exchange: relay to a non-accepted domain)",
                    RelayDenied, f -> f.atStage(RcptTo) && f.enhancedIs("7.54")),
            new ClassificationRule("stage, wording", "RCPT TO with no enhanced code, X.x.0 or X.7.x that speaks of "
                    + "relaying, `rcpthosts` or `I cannot deliver mail for` (Haraka)", RelayDenied,
                    f -> f.atStage(RcptTo) && (f.enhancedIsVague() || f.subject().equals("7")) && f.says(RELAY_REFUSED)),
            new ClassificationRule("stage, enhanced code, wording", "5xx X.4.1 `Recipient address rejected` to RCPT TO "
                    + "(Exchange Online's directory-based edge blocking)", RecipientUnknown,
                    f -> f.atStage(RcptTo) && f.isPermanent() && f.enhancedIs("4.1") && f.says("recipient address rejected")),
            new ClassificationRule("enhanced code", "X.2.2 (mailbox full)", MailboxFull, f -> f.enhancedIs("2.2")),
            new ClassificationRule("stage, enhanced code", "5xx X.1.x to RCPT TO (other than X.1.0), or X.2.1 "
                    + "(mailbox disabled)", RecipientUnknown, f -> f.atStage(RcptTo) && f.isPermanent()
                            && ((f.subject().equals("1") && !f.enhancedIs("1.0")) || f.enhancedIs("2.1"))),
            new ClassificationRule("stage, wording", "5xx to RCPT TO with a vague or no enhanced code that says the "
                    + "recipient is unknown, invalid or unrouteable", RecipientUnknown,
                    f -> f.atStage(RcptTo) && f.isPermanent() && f.enhancedIsVague() && f.says(NO_SUCH_RECIPIENT)),
            new ClassificationRule("stage, wording", "RCPT TO with a vague or no enhanced code that says the mailbox "
                    + "is full or over quota", MailboxFull,
                    f -> f.atStage(RcptTo) && f.enhancedIsVague() && f.says(MAILBOX_FULL)),
            new ClassificationRule("stage", "any other 5xx to DATA", MessageRejected,
                    f -> f.atStage(Data) && f.isPermanent()),
            new ClassificationRule("stage, code", "any other 4xx/5xx to AUTH: `534` 5.7.9 mechanism too weak, `538` 5.7.11 "
                    + "encryption required for it, `454` 4.7.0 temporary failure (RFC 4954 6)", AuthenticationFailed,
                    f -> f.atStage(Auth) || f.codeIs(534, 538) || f.enhancedIs("7.9", "7.11")),
            new ClassificationRule("code", "any other 4xx", TemporaryFailure, ReplyFacts::isTransient),
            new ClassificationRule("code", "any other 5xx", PermanentFailure, f -> true));

    private ClassificationRules() {
    }

    /**
     * X.7.1 alone also covers policy refusals, so "try again later" must come with it. Without an
     * enhanced code the words prove nothing: Exim's rate limit example defers with "451 Sorry, too
     * busy. Try again later.", which is load, not greylisting.
     */
    private static boolean isGreylisting(ReplyFacts f) {
        if (f.says("greylist", "graylist")) {
            return true;
        }
        return f.codeIs(450, 451) && f.enhancedIs("7.1") && f.says("try again later", "come back later");
    }
}
