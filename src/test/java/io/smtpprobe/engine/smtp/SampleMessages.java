package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.MessageContent;
import java.time.Clock;
import java.util.List;

/**
 * The message the engine sends after DATA, for benchmarks that must hand the very same bytes to
 * another tool (hack/bench.sh gives it to smtp-source -F). Test code: the product has no use for it.
 */
public final class SampleMessages {
    private SampleMessages() {
    }

    /** As on the wire: CRLF line ends, dot-stuffed, ending in the terminating dot line. */
    public static String wire(MessageContent content, String mailFrom, List<String> rcptTo, String ehloName) {
        return MessageBuilder.build(content, mailFrom, rcptTo, ehloName, Clock.systemUTC());
    }

    /**
     * The same message as smtp-source -F wants it: LF line ends and no dot line, since smtp-source
     * appends CRLF to each line and the terminating dot itself (and dot-stuffs, which this body never needs).
     */
    public static String forSmtpSource(MessageContent content, String mailFrom, List<String> rcptTo, String ehloName) {
        String wire = wire(content, mailFrom, rcptTo, ehloName);
        return wire.substring(0, wire.length() - ".\r\n".length()).replace("\r\n", "\n");
    }

    /** An ASCII body of exactly {@code bytes} octets on the wire, in lines of at most 78 (CRLF included). */
    public static String body(int bytes) {
        var out = new StringBuilder(bytes);
        int left = bytes;
        while (left > 0) {
            if (left <= 78) {
                // the last line: text, then CRLF if there is room for it, so the count is exact
                int text = left >= 2 ? left - 2 : left;
                out.append("x".repeat(text));
                if (left >= 2) {
                    out.append("\r\n");
                }
                break;
            }
            out.append("x".repeat(76)).append("\r\n");
            left -= 78;
        }
        return out.toString();
    }
}
