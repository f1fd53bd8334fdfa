package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.ServerText;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The message sent after DATA's 354: RFC 5322 headers, the body with CRLF line ends and
 * dot-stuffing (RFC 5321 §4.5.2), then the terminating dot line.
 */
final class MessageBuilder {

    private static final int BASE64_LINE = 76;

    private MessageBuilder() {
    }

    static String build(MessageContent content, String mailFrom, List<String> rcptTo, String ehloName, Clock clock) {
        String subject = content.subject() == null ? "" : content.subject();
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            // a line break in the subject would let it forge headers
            throw new UnsafeCommandException("refused to send a Subject containing a line break");
        }
        String body = content.body() == null ? "" : content.body();
        String from = mailFrom.isEmpty() ? "MAILER-DAEMON@" + ehloName : mailFrom;
        var out = new StringBuilder(body.length() + 512);
        header(out, "Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(clock)));
        header(out, "From", "<" + from + ">");
        header(out, "To", rcptTo.stream().map(r -> "<" + r + ">").collect(Collectors.joining(", ")));
        header(out, "Subject", encodeHeader(subject));
        header(out, "Message-ID", "<" + UUID.randomUUID() + "@" + ehloName + ">");
        header(out, "MIME-Version", "1.0");
        header(out, "Content-Type", "text/plain; charset=UTF-8");
        if (isAscii(body)) {
            header(out, "Content-Transfer-Encoding", "7bit");
            out.append("\r\n").append(dotStuff(normaliseLineEnds(body)));
        } else {
            // 8BITMIME may be missing; base64 is safe on every server and has no dot lines
            header(out, "Content-Transfer-Encoding", "base64");
            out.append("\r\n");
            String encoded = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < encoded.length(); i += BASE64_LINE) {
                out.append(encoded, i, Math.min(encoded.length(), i + BASE64_LINE)).append("\r\n");
            }
        }
        if (out.length() < 2 || out.charAt(out.length() - 1) != '\n') {
            out.append("\r\n");
        }
        out.append(".\r\n");
        return out.toString();
    }

    /** Every bare LF, bare CR and CRLF becomes CRLF. */
    static String normaliseLineEnds(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    }

    /** Doubles a leading dot on each line so no line of the body can end the DATA phase. */
    static String dotStuff(String crlfText) {
        String stuffed = crlfText.replace("\r\n.", "\r\n..");
        return stuffed.startsWith(".") ? "." + stuffed : stuffed;
    }

    private static void header(StringBuilder out, String name, String value) {
        out.append(name).append(": ").append(value).append("\r\n");
    }

    private static String encodeHeader(String value) {
        if (isAscii(value) && !ServerText.hasControlCharacter(value)) {
            return value;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }
}
