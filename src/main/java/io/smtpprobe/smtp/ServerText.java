package io.smtpprobe.smtp;

/**
 * Makes text that came from a server (or that describes it) safe to print, log and store in a
 * custom resource: control characters could forge transcript lines or drive a terminal, and an
 * unbounded string could bloat the status.
 */
public final class ServerText {

    private static final String ELLIPSIS = "...";

    private ServerText() {
    }

    /** Escapes control and invisible format characters as {@code \xNN}/{@code \\uNNNN} and caps the length. */
    public static String sanitize(String text, int maxLength) {
        if (text == null) {
            return null;
        }
        if (text.length() <= maxLength && isPlain(text)) {
            return text;
        }
        var out = new StringBuilder(Math.min(text.length(), maxLength) + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029') {
                // bidi overrides and line separators can disguise what a human reads
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
            if (out.length() > maxLength) {
                break;
            }
        }
        if (out.length() > maxLength) {
            int keep = Math.max(0, maxLength - ELLIPSIS.length());
            out.setLength(keep);
            out.append(ELLIPSIS, 0, Math.min(ELLIPSIS.length(), maxLength));
        }
        return out.toString();
    }

    /** Nothing to escape: the common case of a well-behaved server, answered without copying. */
    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f && (c <= 0x9f || c == '\u2028' || c == '\u2029'
                    || Character.getType(c) == Character.FORMAT)) {
                return false;
            }
        }
        return true;
    }

    /** True when the text has a character that must never be written into an SMTP command. */
    public static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }
}
