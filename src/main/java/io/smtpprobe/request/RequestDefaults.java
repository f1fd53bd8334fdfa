package io.smtpprobe.request;

import io.smtpprobe.core.Notify;
import io.smtpprobe.core.Timeouts;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a request gets for the fields it leaves out. The {@code check} command and the REST API
 * share {@link #CHECK}; the operator fills in its configured EHLO name and sender, and an
 * SmtpProbe without {@code notify} sends no NOTIFY.
 */
public record RequestDefaults(int port, String ehloName, String mailFrom, Set<Notify> dsnNotify,
                              String subject, String body, Timeouts timeouts) {
    public static final String EHLO_NAME = "smtp-probe.invalid";
    public static final int IMPLICIT_TLS_PORT = 465;

    public static final RequestDefaults CHECK = new RequestDefaults(25, EHLO_NAME, "",
            EnumSet.of(Notify.SUCCESS, Notify.FAILURE), "SMTP probe", "This is a test message from smtp-probe.\n",
            Timeouts.DEFAULT);

    /** Defaults come from configuration, not from users, but reach the wire all the same: a bad one fails at start-up. */
    public RequestDefaults {
        ehloName = InputValidator.ehloName("default EHLO name", ehloName);
        mailFrom = InputValidator.reversePath("default MAIL FROM", mailFrom);
        dsnNotify = Set.copyOf(dsnNotify);
        InputValidator.line("default subject", subject);
        InputValidator.body("default body", body);
    }
}
