package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.ServerText;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The message sent after DATA's 354: RFC 5322 headers, the body with CRLF line ends and
 * dot-stuffing (RFC 5321 §4.5.2), then the terminating dot line. Built once per content and
 * envelope as a {@link MessageTemplate}; only Date and Message-ID are filled in per dialogue.
 */
final class MessageBuilder {

    private static final int BASE64_LINE = 76;

    private MessageBuilder() {
    }

    /** The whole message as text, for tests and benchmarks; the dialogue sends {@link #template}'s bytes. */
    static String build(MessageContent content, String mailFrom, List<String> rcptTo, String ehloName, Clock clock) {
        return template(content, mailFrom, rcptTo, ehloName).render(clock).toString(StandardCharsets.UTF_8);
    }

    /**
     * Everything of the message but its Date and Message-ID values, as wire bytes.
     *
     * @throws UnsafeCommandException when the subject holds a line break
     */
    static MessageTemplate template(MessageContent content, String mailFrom, List<String> rcptTo, String ehloName) {
        String subject = content.subject() == null ? "" : content.subject();
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            // a line break in the subject would let it forge headers
            throw new UnsafeCommandException("refused to send a Subject containing a line break");
        }
        String body = content.body() == null ? "" : content.body();
        String from = mailFrom.isEmpty() ? "MAILER-DAEMON@" + ehloName : mailFrom;
        String beforeDate = "Date: ";
        var middle = new StringBuilder(256);
        middle.append("\r\n");
        header(middle, "From", "<" + from + ">");
        header(middle, "To", rcptTo.stream().map(r -> "<" + r + ">").collect(Collectors.joining(", ")));
        header(middle, "Subject", encodeHeader(subject));
        middle.append("Message-ID: <");
        var rest = new StringBuilder(body.length() + 256);
        rest.append('@').append(ehloName).append(">\r\n");
        header(rest, "MIME-Version", "1.0");
        header(rest, "Content-Type", "text/plain; charset=UTF-8");
        if (isAscii(body)) {
            header(rest, "Content-Transfer-Encoding", "7bit");
            rest.append("\r\n").append(dotStuff(normaliseLineEnds(body)));
        } else {
            // 8BITMIME may be missing; base64 is safe on every server and has no dot lines
            header(rest, "Content-Transfer-Encoding", "base64");
            rest.append("\r\n");
            String encoded = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < encoded.length(); i += BASE64_LINE) {
                rest.append(encoded, i, Math.min(encoded.length(), i + BASE64_LINE)).append("\r\n");
            }
        }
        if (rest.charAt(rest.length() - 1) != '\n') {
            rest.append("\r\n");
        }
        rest.append(".\r\n");
        return new MessageTemplate(bytes(beforeDate), bytes(middle), bytes(rest));
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

    private static byte[] bytes(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
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
