package io.smtpprobe.core;

/**
 * Makes text that came from a server (or that describes it) safe to print, log and store in a
 * custom resource: control characters could forge transcript lines or drive a terminal,
 * invisible format characters could disguise what a human reads, and an unbounded string could
 * bloat the status.
 */
public final class ServerText {

    /** Room for a detail (a DNS answer, an exception message) in a one-line finding. */
    public static final int MAX_DETAIL = 320;
    private static final String ELLIPSIS = "...";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ServerText() {
    }

    /**
     * Escapes control characters as {@code \xNN}, invisible format characters (Unicode Cf, line
     * and paragraph separators, unpaired surrogates) as {@code \\uNNNN} or {@code \UNNNNNNNN},
     * and the backslash itself as {@code \\}, so a server cannot fake an escape. Text over
     * {@code maxLength} is cut, never inside an escape or a surrogate pair, and ends in "...".
     */
    public static String sanitize(String text, int maxLength) {
        if (text == null) {
            return null;
        }
        if (text.length() <= maxLength && isPlain(text, false)) {
            return text;
        }
        int budget = Math.max(0, maxLength - ELLIPSIS.length());
        var out = new StringBuilder(Math.min(text.length(), maxLength) + 16);
        int fitsWithEllipsis = 0;
        boolean cut = false;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            appendSafely(out, codePoint);
            if (out.length() <= budget) {
                fitsWithEllipsis = out.length();
            }
            if (out.length() > maxLength) {
                cut = true;
                break;
            }
        }
        if (cut) {
            out.setLength(fitsWithEllipsis);
            out.append(ELLIPSIS, 0, Math.min(ELLIPSIS.length(), maxLength));
        }
        return out.toString();
    }

    /**
     * A detail about a server from anywhere but the server's replies (the resolver, an exception
     * message, the egress policy), sanitised and cut once, where the result records it.
     */
    public static String detail(String text) {
        return sanitize(text, MAX_DETAIL);
    }

    /**
     * Shortens text that is already safe (sanitised once; escaping it again would double every
     * backslash) or that a sanitising sink will escape later, never inside a surrogate pair.
     */
    public static String cap(String text, int maxLength) {
        if (text == null || text.length() <= maxLength) {
            return text;
        }
        int keep = Math.max(0, maxLength - ELLIPSIS.length());
        if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--;
        }
        return text.substring(0, keep) + ELLIPSIS.substring(0, Math.min(ELLIPSIS.length(), maxLength));
    }

    /**
     * A second guard for text that should be safe already (sanitised where it entered): capped,
     * and escaped only if a control or invisible character shows that it never was, so that safe
     * text keeps its escapes instead of getting every backslash doubled.
     */
    public static String guard(String text, int maxLength) {
        if (text == null) {
            return null;
        }
        return isPlain(text, true) ? cap(text, maxLength) : sanitize(text, maxLength);
    }

    private static void appendSafely(StringBuilder out, int codePoint) {
        if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) {
            out.append("\\x");
            appendHex(out, codePoint, 2);
        } else if (codePoint == '\\') {
            out.append("\\\\");
        } else if (isInvisible(codePoint)) {
            if (Character.isBmpCodePoint(codePoint)) {
                out.append("\\u");
                appendHex(out, codePoint, 4);
            } else {
                out.append("\\U");
                appendHex(out, codePoint, 8);
            }
        } else {
            out.appendCodePoint(codePoint);
        }
    }

    private static void appendHex(StringBuilder out, int value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.append(HEX[(value >>> shift) & 0xf]);
        }
    }

    /** Nothing to escape: the common case of a well-behaved server, answered without copying. */
    private static boolean isPlain(String text, boolean backslashAllowed) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                if (c == '\\' && !backslashAllowed) {
                    return false;
                }
                continue;
            }
            if (c < 0xa0) {
                return false;
            }
            int codePoint = c;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                codePoint = Character.toCodePoint(c, text.charAt(++i));
            }
            if (isInvisible(codePoint)) {
                return false;
            }
        }
        return true;
    }

    /** Format characters (bidi overrides, tags), separators some software takes for newlines, broken UTF-16. */
    private static boolean isInvisible(int codePoint) {
        return codePoint == '\u2028' || codePoint == '\u2029'
                || Character.getType(codePoint) == Character.FORMAT
                || Character.getType(codePoint) == Character.SURROGATE;
    }

    /** C0, DEL, C1 and the Unicode line/paragraph separators some software treats as newlines. */
    public static boolean isControl(int codePoint) {
        return codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f) || codePoint == '\u2028' || codePoint == '\u2029';
    }

    /** True when the text has a character that must never be written into an SMTP command. */
    public static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
