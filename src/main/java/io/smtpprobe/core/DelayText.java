package io.smtpprobe.core;

import java.time.Duration;

/** A delay as users write it in flags and YAML ({@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h30m}), for reports. */
public final class DelayText {
    private DelayText() {
    }

    public static String of(Duration d) {
        if (d.toMillis() % 1000 != 0 || d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = d.getSeconds();
        StringBuilder sb = new StringBuilder();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            sb.append(s % 3600 / 60).append('m');
        }
        if (s % 60 != 0) {
            sb.append(s % 60).append('s');
        }
        return sb.toString();
    }
}
