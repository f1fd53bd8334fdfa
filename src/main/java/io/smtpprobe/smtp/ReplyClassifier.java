package io.smtpprobe.smtp;

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
        if ((stage == Stage.Ehlo || stage == Stage.Helo) && code == 501) {
            return Reason.InvalidHeloName;
        }
        if (code == 500 || code == 502) {
            return Reason.CommandUnrecognized;
        }
        if (code == 535 || subject.equals("7.8")) {
            return Reason.AuthenticationFailed;
        }
        // 454 4.7.0 to STARTTLS means "TLS not available", not a demand to log in
        boolean authSubject = subject.equals("7.0") && stage != Stage.StartTls;
        if (code == 530 || authSubject || text.contains("authentication required")) {
            return Reason.AuthenticationRequired;
        }
        if (isGreylisting(code, subject, text)) {
            return Reason.Greylisted;
        }
        if (isRelayDenial(subject, text)) {
            return Reason.RelayDenied;
        }
        if (code == 452 || code == 552 || subject.equals("2.2")) {
            return Reason.MailboxFull;
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

    private static boolean isGreylisting(int code, String subject, String text) {
        return text.contains("greylist") || text.contains("graylist")
                || ((code == 450 || code == 451) && subject.equals("7.1"));
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
