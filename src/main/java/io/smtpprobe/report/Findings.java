package io.smtpprobe.report;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Stage;

/** One human line per finding, in the words a mail admin uses reading a telnet session. */
public final class Findings {
    private static final int MAX_REPLY_TEXT = 160;

    private Findings() {
    }

    public static String of(String domain, ServerResult server) {
        StringBuilder sb = new StringBuilder(safe(domain)).append(": ").append(safe(server.host()));
        if (server.address() != null && !server.address().equals(server.host())) {
            sb.append(" (").append(server.address()).append(':').append(server.port()).append(')');
        }
        Reply reply = server.reply();
        if (server.reason() == Reason.Accepted) {
            sb.append(" accepted");
            if (reply != null) {
                sb.append(" (").append(reply.code()).append(' ').append(cut(reply.text())).append(')');
            }
            return sb.toString();
        }
        sb.append(' ').append(verb(server.stage()));
        if (reply != null && server.reason().replyBased()) {
            sb.append(' ').append(reply.code()).append(' ').append(cut(reply.text()));
        } else {
            sb.append(' ').append(server.reason());
            if (server.detail() != null && !server.detail().isEmpty()) {
                sb.append(": ").append(cut(server.detail()));
            }
        }
        return sb.toString();
    }

    public static String verb(Stage stage) {
        return switch (stage) {
            case Dns -> "DNS";
            case Connect -> "connect";
            case Banner -> "banner";
            case Ehlo -> "EHLO";
            case Helo -> "HELO";
            case StartTls -> "STARTTLS";
            case MailFrom -> "MAIL";
            case RcptTo -> "RCPT";
            case Data -> "DATA";
            case Quit -> "QUIT";
        };
    }

    /** Reply text and details: the engine sanitised them, escaping again would double backslashes. */
    private static String cut(String s) {
        return ServerText.cap(s, MAX_REPLY_TEXT);
    }

    /** Text from anywhere but this program (DNS details, exception messages) made safe to print. */
    public static String safe(String s) {
        return ServerText.sanitize(s, 2 * MAX_REPLY_TEXT);
    }
}
