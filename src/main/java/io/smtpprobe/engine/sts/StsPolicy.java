package io.smtpprobe.engine.sts;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A parsed MTA-STS policy (RFC 8461 §3.2).
 *
 * @param mode   {@code enforce}, {@code testing} or {@code none}
 * @param mx     the {@code mx} patterns, lower case, in file order
 * @param maxAge how long a sender may cache the policy, at most {@link #MAX_AGE}
 */
public record StsPolicy(String mode, List<String> mx, Duration maxAge) {
    /** RFC 8461 §3.2: max_age is at most 31557600 seconds (about one year). */
    public static final Duration MAX_AGE = Duration.ofSeconds(31_557_600);

    public StsPolicy {
        mx = List.copyOf(mx);
    }

    public boolean checksServers() {
        return "enforce".equals(mode) || "testing".equals(mode);
    }

    /**
     * RFC 8461 §4.1: a pattern is a host name, or {@code *.} and a name, which stands for exactly
     * one more leftmost label ({@code *.example.test} matches {@code mx.example.test}, neither
     * {@code example.test} nor {@code a.mx.example.test}).
     */
    public boolean matches(String mxHost) {
        String host = normalise(mxHost);
        for (String pattern : mx) {
            if (pattern.startsWith("*.")) {
                int dot = host.indexOf('.');
                if (dot > 0 && host.substring(dot + 1).equals(pattern.substring(2))) {
                    return true;
                }
            } else if (host.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    static String normalise(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
