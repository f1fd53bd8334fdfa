package io.smtpprobe.report;

import io.smtpprobe.core.DelayText;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.TransportSecurity;
import java.util.List;
import java.util.Optional;

/**
 * The one place that puts results into words, in the words a mail admin uses reading a telnet
 * session. The CLI, {@code .status}, Events and the REST API all print these lines, so the same
 * failure reads the same everywhere.
 */
public final class Findings {
    private static final int MAX_REPLY_TEXT = 160;

    private Findings() {
    }

    /**
     * The whole run in one line, as {@code .status.message} shows it: the worst domain's line and
     * how many other domains failed, e.g.
     * {@code fabrikam.test: mx1.fabrikam.test (192.0.2.1:25) RCPT 550 5.1.1 User unknown (and 1 more failing)}.
     */
    public static String summary(ProbeReport report) {
        List<DomainResult> failing = report.domains().stream().filter(d -> d.result() != Outcome.Success).toList();
        if (failing.isEmpty()) {
            int n = report.domains().size();
            return n == 1 ? domain(report.domains().get(0)) : "all " + n + " domains accepted";
        }
        String line = domain(worst(failing).orElseThrow());
        return failing.size() > 1 ? line + " (and " + (failing.size() - 1) + " more failing)" : line;
    }

    /** The first of the domains with the worst result. */
    public static Optional<DomainResult> worst(List<DomainResult> domains) {
        return domains.stream().reduce((a, b) -> b.result().ordinal() > a.result().ordinal() ? b : a);
    }

    /** One domain in one line: its deciding server's line, or what DNS said when no server was reached. */
    public static String domain(DomainResult domain) {
        if (domain.notFinished()) {
            return notFinished(domain);
        }
        TransportSecurity security = domain.transportSecurity();
        if (security != null && security.enforced()) {
            // the servers may have accepted, but a sending MTA would not have delivered to them
            return safe(domain.domain()) + ": " + transportSecurity(security);
        }
        ServerResult deciding = domain.deciding();
        if (deciding == null) {
            String why = domain.detail() != null && !domain.detail().isBlank() ? "DNS " + domain.detail()
                    : domain.reason() == null ? "failed" : domain.reason().explanation();
            return safe(domain.domain()) + ": " + why;
        }
        String line = server(domain.domain(), deciding);
        long othersFailed = domain.servers().stream().filter(s -> s != deciding && s.outcome() != Outcome.Success).count();
        if (deciding.outcome() == Outcome.Success && othersFailed > 0) {
            line += " (" + othersFailed + " other server" + (othersFailed > 1 ? "s" : "") + " failed)";
        }
        return line;
    }

    /**
     * A domain the run deadline cut short: the deadline, and the last server it got to, e.g.
     * {@code tarpit.test: run deadline of 2m reached before this domain finished (3 servers tried, last: ...)}.
     */
    private static String notFinished(DomainResult domain) {
        String line = safe(domain.domain()) + ": " + domain.detail();
        int tried = domain.servers().size();
        if (tried == 0) {
            return line + " (no server reached yet)";
        }
        ServerResult last = domain.servers().get(tried - 1);
        return line + " (" + tried + " server" + (tried > 1 ? "s" : "") + " tried, last: "
                + server(domain.domain(), last).substring(safe(domain.domain()).length() + 2) + ")";
    }

    /**
     * One server in one line: where the dialogue stopped and what the server said there, e.g.
     * {@code fabrikam.test: mx1.fabrikam.test (192.0.2.1:25) RCPT 550 5.1.1 User unknown}, or
     * {@code refused.test: mx.refused.test (192.0.2.3:25) CONNECT ConnectRefused: Connection refused}.
     */
    public static String server(String domain, ServerResult server) {
        StringBuilder sb = new StringBuilder(safe(domain)).append(": ").append(safe(server.host()));
        if (server.address() != null && !server.address().equals(server.host())) {
            sb.append(" (").append(server.address()).append(':').append(server.port()).append(')');
        }
        Reply reply = server.reply();
        String retry = server.greylistRetriedAfter() == null ? null : DelayText.of(server.greylistRetriedAfter());
        if (server.reason() == Reason.Accepted) {
            // the stage is QUIT, but the reply worth quoting is the one that accepted the mail
            sb.append(retry == null ? " accepted" : " greylisted, accepted on retry after " + retry);
            if (reply != null) {
                sb.append(" (").append(reply.code()).append(' ').append(cut(reply.text())).append(')');
            }
            return sb.append(tlsFallback(server)).toString();
        }
        sb.append(' ').append(server.stage().command());
        if (reply != null && server.reason().replyBased()) {
            sb.append(' ').append(reply.code()).append(' ').append(cut(reply.text()));
        } else {
            sb.append(' ').append(server.reason());
            if (server.detail() != null && !server.detail().isEmpty()) {
                sb.append(": ").append(cut(server.detail()));
            }
        }
        if (retry != null) {
            sb.append(server.reason() == Reason.Greylisted ? " (greylisted again on retry after " : " (greylisted first; this is the retry after ")
                    .append(retry).append(')');
        }
        return sb.append(tlsFallback(server)).toString();
    }

    /** A verdict reached only in plaintext says so, e.g. " (after TLS handshake failed: ...; retried without TLS)". */
    private static String tlsFallback(ServerResult server) {
        ServerResult.TlsFallback fallback = server.tlsFallback();
        return fallback == null ? "" : " (after " + cut(fallback.detail()) + "; retried without TLS)";
    }

    /**
     * A domain's transport security in one line, e.g.
     * {@code MTA-STS enforce (id 20240101): certificate-host-mismatch at mx.fabrikam.test: certificate does not name mx.fabrikam.test},
     * {@code DANE: success} or {@code no MTA-STS or DANE policy}.
     */
    public static String transportSecurity(TransportSecurity t) {
        String policy = switch (t.policyType()) {
            case STS -> "MTA-STS" + (t.mode() == null ? "" : " " + t.mode()) + (t.policyId() == null ? "" : " (id " + t.policyId() + ")");
            case TLSA -> "DANE";
            case NO_POLICY_FOUND -> "no MTA-STS or DANE policy";
        };
        if (!t.failed()) {
            return t.policyType() == TransportSecurity.PolicyType.NO_POLICY_FOUND ? policy : policy + ": success";
        }
        String line = policy + ": " + t.result().wireName();
        if (t.detail() != null) {
            line += " at " + cut(t.detail());
        }
        return line + (t.enforced() ? " (enforced: a sending MTA would not deliver)"
                : t.policyType() == TransportSecurity.PolicyType.STS && "testing".equals(t.mode()) ? " (testing: reported only)" : "");
    }

    /** Reply text and details: the engine sanitised them, escaping again would double backslashes. */
    private static String cut(String s) {
        return ServerText.cap(s, MAX_REPLY_TEXT);
    }

    /** Names from outside this program (a domain label, an MX host) made safe to print. */
    private static String safe(String s) {
        return ServerText.sanitize(s, 2 * MAX_REPLY_TEXT);
    }
}
