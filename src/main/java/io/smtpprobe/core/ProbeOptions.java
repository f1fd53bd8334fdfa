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
 * @param dane       look up the server's TLSA records (RFC 7672 DANE, DNSSEC-validated) and match
 *                   them against the chain it presents; only when TLS is attempted and the server is
 *                   named (not an address literal), and only where the engine has a DANE resolver
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
        boolean dane,
        SmtpAuth auth) {

    public ProbeOptions {
        rcptTo = List.copyOf(rcptTo);
        dsnNotify = Set.copyOf(dsnNotify);
    }

    /** An anonymous probe, with DANE evaluation on, its default whenever TLS is attempted. */
    public ProbeOptions(String ehloName, String mailFrom, List<String> rcptTo, Set<Notify> dsnNotify, TlsMode tlsMode,
                        boolean insecure, MessageContent data, Timeouts timeouts, Limits limits) {
        this(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, timeouts, limits, true, null);
    }

    /** An anonymous probe. */
    public ProbeOptions(String ehloName, String mailFrom, List<String> rcptTo, Set<Notify> dsnNotify, TlsMode tlsMode,
                        boolean insecure, MessageContent data, Timeouts timeouts, Limits limits, boolean dane) {
        this(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, timeouts, limits, dane, null);
    }

    /** With DANE evaluation on. */
    public ProbeOptions(String ehloName, String mailFrom, List<String> rcptTo, Set<Notify> dsnNotify, TlsMode tlsMode,
                        boolean insecure, MessageContent data, Timeouts timeouts, Limits limits, SmtpAuth auth) {
        this(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, timeouts, limits, true, auth);
    }

    public ProbeOptions withRcptTo(List<String> recipients) {
        return new ProbeOptions(ehloName, mailFrom, recipients, dsnNotify, tlsMode, insecure, data, timeouts, limits, dane, auth);
    }

    public ProbeOptions withDane(boolean evaluate) {
        return new ProbeOptions(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, timeouts, limits, evaluate, auth);
    }

    public ProbeOptions withTimeouts(Timeouts deadlines) {
        return new ProbeOptions(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, deadlines, limits, dane, auth);
    }

    public ProbeOptions withAuth(SmtpAuth login) {
        return new ProbeOptions(ehloName, mailFrom, rcptTo, dsnNotify, tlsMode, insecure, data, timeouts, limits, dane, login);
    }
}
