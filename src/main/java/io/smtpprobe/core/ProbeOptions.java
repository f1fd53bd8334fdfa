package io.smtpprobe.core;

import java.util.List;
import java.util.Set;

/**
 * What to say in the dialogue. All strings are validated before they reach here (see
 * {@code io.smtpprobe.request.InputValidator}); the engine still refuses control characters as a
 * last line of defence.
 *
 * @param mailFrom   the reverse path without angle brackets; empty string for {@code <>}
 * @param rcptTo     one or more forward paths without angle brackets
 * @param dsnNotify     empty for no NOTIFY parameter
 * @param data       null when DATA is not wanted
 * @param auth       null for an anonymous probe (an MX); else AUTH before MAIL FROM (a submission service)
 */
public record ProbeOptions(
        String ehloName,
        String mailFrom,
        List<String> rcptTo,
        Set<Notify> dsnNotify,
        TlsMode tlsMode,
        boolean insecure,
        MessageContent data,
        Timeouts timeouts,
        Limits limits,
        SmtpAuth auth) {

    public ProbeOptions {
        rcptTo = List.copyOf(rcptTo);
        dsnNotify = Set.copyOf(dsnNotify);
    }

    /** An anonymous probe. */
    public ProbeOptions(String ehloName, String mailFrom, List<String> rcptTo, Set<Notify> dsnNotify, TlsMode tlsMode,
                        boolean insecure, MessageContent data, Timeouts timeouts, Limits limits) {
        this(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, timeouts, limits, null);
    }

    public ProbeOptions withRcptTo(List<String> recipients) {
        return new ProbeOptions(ehloName, mailFrom, recipients, dsnNotify, tlsMode, insecure, data, timeouts, limits, auth);
    }

    public ProbeOptions withTimeouts(Timeouts deadlines) {
        return new ProbeOptions(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, deadlines, limits, auth);
    }

    public ProbeOptions withAuth(SmtpAuth login) {
        return new ProbeOptions(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, timeouts, limits, login);
    }
}
