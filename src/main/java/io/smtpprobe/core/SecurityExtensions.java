package io.smtpprobe.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The EHLO keywords a mail admin checks for transport security and submission, in the order they
 * are read: STARTTLS (RFC 3207), REQUIRETLS (RFC 8689), AUTH and its mechanisms (RFC 4954),
 * SMTPUTF8 (RFC 6531), CHUNKING (RFC 3030), DSN (RFC 3461), SIZE (RFC 1870). Reports show them
 * apart from the other keywords, and when a hostile server's list must be cut to a budget these
 * are kept first, so padding cannot push REQUIRETLS out of sight.
 */
public final class SecurityExtensions {

    static final List<String> KEYWORDS = List.of("STARTTLS", "REQUIRETLS", "AUTH", "SMTPUTF8", "CHUNKING", "DSN", "SIZE");

    private SecurityExtensions() {
    }

    /** The security-relevant ones of these EHLO lines, as the server worded them, in {@link #KEYWORDS} order. */
    public static List<String> of(List<String> extensions) {
        List<String> out = new ArrayList<>();
        for (String keyword : KEYWORDS) {
            for (String extension : extensions) {
                if (keyword.equals(keywordOf(extension)) && !out.contains(extension)) {
                    out.add(extension);
                }
            }
        }
        return out;
    }

    /**
     * At most {@code max} of these lines: all when they fit, else the security-relevant ones first,
     * then the others in the server's order.
     */
    public static List<String> keepFirst(List<String> extensions, int max) {
        if (extensions.size() <= max) {
            return extensions;
        }
        List<String> out = new ArrayList<>(of(extensions));
        for (String extension : extensions) {
            if (out.size() >= max) {
                break;
            }
            if (!out.contains(extension)) {
                out.add(extension);
            }
        }
        return List.copyOf(out.size() > max ? out.subList(0, max) : out);
    }

    /** The keyword: up to the first space, or '=' in the pre-RFC {@code AUTH=LOGIN}. */
    private static String keywordOf(String extension) {
        int end = 0;
        while (end < extension.length() && extension.charAt(end) != ' ' && extension.charAt(end) != '=') {
            end++;
        }
        return extension.substring(0, end).toUpperCase(Locale.ROOT);
    }
}
