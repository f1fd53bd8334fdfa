package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Reason;
import java.util.Locale;

/**
 * Turns a negative reply at a given stage into a {@link Reason}, the way an administrator reads
 * it: the enhanced status code (RFC 3463) is the most precise signal, the text catches servers
 * that give none, the basic code is the fallback.
 */
public final class ReplyClassifier {

    private ReplyClassifier() {
    }

    /** Returns {@link Reason#Accepted} for replies that let the dialogue go on. */
    public static Reason classify(Stage stage, Reply reply) {
        int code = reply.code();
        if (code < 400) {
            return Reason.Accepted;
        }
        String enhanced = reply.enhancedCode() == null ? "" : reply.enhancedCode();
        String subject = enhanced.length() > 2 ? enhanced.substring(2) : "";
        String text = reply.text().toLowerCase(Locale.ROOT);

        if (code == 421 || (stage == Stage.Banner && code == 554)) {
            return Reason.ServiceNotAvailable;
        }
        // Exim's acl_smtp_helo refuses with 550 ("550 Administrative prohibition"), Postfix with 501
        if ((stage == Stage.Ehlo || stage == Stage.Helo) && (code == 501 || (code == 550 && !subject.startsWith("7.")))) {
            return Reason.InvalidHeloName;
        }
        if (code == 500 || code == 502) {
            return Reason.CommandUnrecognized;
        }
        if (code == 535 || subject.equals("7.8")) {
            return Reason.AuthenticationFailed;
        }
        if (code == 530 || demandsAuthentication(subject, text)) {
            return Reason.AuthenticationRequired;
        }
        // Postfix reports HELO restrictions at RCPT TO (smtpd_delay_reject), often as 450 4.7.1
        if (text.contains("helo command rejected")) {
            return Reason.InvalidHeloName;
        }
        // Postfix's default (smtpd_delay_reject) answers sender restrictions at RCPT TO, as 554 5.7.1
        if (text.contains("sender address rejected")) {
            return Reason.SenderRejected;
        }
        // x.1.7 and x.1.8 are about the sender's address whatever command drew them
        if (subject.equals("1.7") || subject.equals("1.8")) {
            return Reason.SenderRejected;
        }
        if (isGreylisting(code, subject, text)) {
            return Reason.Greylisted;
        }
        if (isRelayDenial(subject, text)) {
            return Reason.RelayDenied;
        }
        if (subject.equals("2.2") || (subject.isEmpty() && stage == Stage.RcptTo && (code == 452 || code == 552))) {
            return Reason.MailboxFull;
        }
        if (subject.equals("3.4") || subject.equals("2.3") || (stage == Stage.Data && code == 552)) {
            return Reason.MessageRejected;
        }
        switch (stage) {
            case MailFrom:
                if (code >= 500) {
                    return Reason.SenderRejected;
                }
                break;
            case RcptTo:
                if (isUnknownRecipient(code, subject, text)) {
                    return Reason.RecipientUnknown;
                }
                break;
            case Data:
                if (code >= 500) {
                    return Reason.MessageRejected;
                }
                break;
            default:
                break;
        }
        return code < 500 ? Reason.TemporaryFailure : Reason.PermanentFailure;
    }

    /**
     * x.7.0 alone is too broad (content policy uses it too), so it counts only with words about
     * logging in; 454 4.7.0 to STARTTLS ("TLS not available") never does.
     */
    private static boolean demandsAuthentication(String subject, String text) {
        boolean wordsAboutAuth = text.contains("authentication required") || text.contains("not authenticated")
                || text.contains("must authenticate") || text.contains("authentication is required");
        return wordsAboutAuth && (subject.isEmpty() || subject.equals("7.0") || subject.equals("7.1"));
    }

    /** 4.7.1 alone also covers policy rejections; greylisters say so, or ask to try again later. */
    private static boolean isGreylisting(int code, String subject, String text) {
        if (text.contains("greylist") || text.contains("graylist")) {
            return true;
        }
        boolean retryLater = text.contains("try again later") || text.contains("try later");
        return (code == 450 || code == 451) && (subject.equals("7.1") || subject.isEmpty()) && retryLater;
    }

    private static boolean isRelayDenial(String subject, String text) {
        boolean mentionsRelay = text.contains("relay");
        return mentionsRelay && (subject.equals("7.1") || subject.isEmpty() || text.contains("denied")
                || text.contains("not permitted") || text.contains("not allowed"));
    }

    private static boolean isUnknownRecipient(int code, String subject, String text) {
        if (code < 500) {
            return false;
        }
        return subject.startsWith("1.")
                || text.contains("user unknown") || text.contains("unknown user")
                || text.contains("no such user") || text.contains("mailbox unavailable")
                || text.contains("does not exist")
                || (subject.isEmpty() && (code == 550 || code == 551 || code == 553));
    }
}
