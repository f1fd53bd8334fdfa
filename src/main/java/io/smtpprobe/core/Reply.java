package io.smtpprobe.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One complete SMTP reply. {@code lines} holds the text after the code and separator of each
 * line, already sanitised by the parser.
 */
public record Reply(int code, String enhancedCode, List<String> lines) {

    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?=\\s|$)");

    public Reply {
        lines = List.copyOf(lines);
    }

    public static Reply of(int code, List<String> lines) {
        return new Reply(code, enhancedCodeOf(code, lines.isEmpty() ? "" : lines.get(0)), lines);
    }

    /** RFC 3463 codes are only meaningful when their class digit agrees with the reply code. */
    static String enhancedCodeOf(int code, String firstLine) {
        var m = ENHANCED.matcher(firstLine);
        if (!m.find()) {
            return null;
        }
        if (Integer.parseInt(m.group(1)) != code / 100) {
            return null;
        }
        return m.group();
    }

    public ReplyClass replyClass() {
        return ReplyClass.of(code);
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    /** The lines joined with a space, as a human would quote the reply. */
    public String text() {
        return String.join(" ", lines);
    }
}
