package io.smtpprobe.engine.sts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the policy file of RFC 8461 §3.2: {@code key: value} lines, {@code version: STSv1},
 * {@code mode}, {@code max_age} and one or more {@code mx} lines. Unknown keys are ignored, as the
 * RFC asks; of a key given twice (other than {@code mx}) the first counts.
 */
public final class StsPolicyParser {
    /** Up to ten digits, so a policy cannot overflow the parser. */
    private static final Pattern MAX_AGE = Pattern.compile("[0-9]{1,10}");
    /** A host name, optionally with a leftmost {@code *} label: RFC 8461 allows the wildcard only there. */
    private static final Pattern MX_PATTERN = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.?");

    private StsPolicyParser() {
    }

    /** The policy, or why it is invalid. */
    public record Parsed(StsPolicy policy, String error) {
        static Parsed invalid(String error) {
            return new Parsed(null, error);
        }
    }

    public static Parsed parse(String body) {
        String version = null;
        String mode = null;
        String maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String raw : body.split("\r?\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return Parsed.invalid("line without 'key: value': " + Texts.quote(line));
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = version == null ? value : version;
                case "mode" -> mode = mode == null ? value : mode;
                case "max_age" -> maxAge = maxAge == null ? value : maxAge;
                case "mx" -> mx.add(StsPolicy.normalise(value));
                default -> {
                    // extension keys are ignored (RFC 8461 §3.2)
                }
            }
        }
        if (!"STSv1".equals(version)) {
            return Parsed.invalid(version == null ? "no 'version: STSv1' line" : "version is " + Texts.quote(version) + ", not STSv1");
        }
        if (mode == null || !List.of("enforce", "testing", "none").contains(mode)) {
            return Parsed.invalid(mode == null ? "no 'mode' line" : "mode " + Texts.quote(mode) + " is not enforce, testing or none");
        }
        if (maxAge == null || !MAX_AGE.matcher(maxAge).matches()) {
            return Parsed.invalid(maxAge == null ? "no 'max_age' line" : "max_age " + Texts.quote(maxAge) + " is not a number of seconds");
        }
        long seconds = Long.parseLong(maxAge);
        if (seconds > StsPolicy.MAX_AGE.getSeconds()) {
            return Parsed.invalid("max_age " + seconds + " exceeds " + StsPolicy.MAX_AGE.getSeconds());
        }
        if (mx.isEmpty() && !"none".equals(mode)) {
            return Parsed.invalid("no 'mx' line in a policy with mode " + mode);
        }
        for (String pattern : mx) {
            if (!MX_PATTERN.matcher(pattern).matches()) {
                return Parsed.invalid("mx " + Texts.quote(pattern) + " is not a host name or '*.' and a host name");
            }
        }
        return new Parsed(new StsPolicy(mode, mx, Duration.ofSeconds(seconds)), null);
    }
}
