package io.smtpprobe.core;

import java.time.Duration;

/** Deadlines: per connect, per command (including the banner) and for the whole probe. */
public record Timeouts(Duration connect, Duration command, Duration total) {
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(120));
}
