package io.smtpprobe.operator.status;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Kubernetes stores times as RFC 3339 with second precision; anything finer would make every status differ. */
public final class Timestamps {
    private Timestamps() {
    }

    public static String format(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    public static Instant parse(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
