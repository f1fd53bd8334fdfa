package io.smtpprobe.request;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as users write them in YAML and flags: {@code 500ms}, {@code 10s}, {@code 1m30s}. */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(\\d{1,9}(ms|s|m|h))+");
    private static final Pattern OFF = Pattern.compile("(0{1,9}(ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private Durations() {
    }

    public static Duration parse(String field, String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new InvalidInputException(field, "invalid duration '" + InputValidator.printable(text)
                    + "' (use e.g. 500ms, 10s, 2m, 1h30m)");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        if (total.isZero()) {
            throw new InvalidInputException(field, "duration must be greater than zero");
        }
        return total;
    }

    /** As {@link #parse}, refusing a duration longer than {@code max}, with both in the message. */
    public static Duration parseAtMost(String field, String text, Duration max) {
        Duration d = parse(field, text);
        if (d.compareTo(max) > 0) {
            throw new InvalidInputException(field, InputValidator.printable(text) + " is longer than the maximum of " + format(max));
        }
        return d;
    }

    /** As {@link #parse}, but a zero ({@code 0s}, {@code 0m}) means "off" and is {@link Duration#ZERO}. */
    public static Duration parseOrOff(String field, String text) {
        return text != null && OFF.matcher(text).matches() ? Duration.ZERO : parse(field, text);
    }

    public static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.getSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
