package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.SmtpAuth;
import io.smtpprobe.core.Timeouts;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Short deadlines and harmless .test names, changed per test where it matters. */
final class TestOptions {
    String ehloName = "probe.test";
    String mailFrom = "probe@probe.test";
    List<String> rcptTo = List.of("postmaster@example.test");
    Set<Notify> dsnNotify = Set.of();
    TlsMode tlsMode = TlsMode.Opportunistic;
    boolean insecure;
    MessageContent data;
    Timeouts timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(4));
    Limits limits = Limits.DEFAULT;
    SmtpAuth auth;

    ProbeOptions build() {
        return new ProbeOptions(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, timeouts, limits, auth);
    }
}
