package io.smtpprobe.core;

import java.util.List;

/**
 * The verdict for one domain, as facts; the report layer puts them into words. {@code reason} is
 * that of the deciding server (the first that completed the dialogue under the preferred policy,
 * the worst under the all policy), or a DNS or policy reason when no server was reached.
 *
 * @param detail what the resolver said when no server was reached (e.g. "NXDOMAIN for x.test"),
 *               sanitised; null when a server decided
 * @param transportSecurity what MTA-STS, DANE and TLS-RPT say about the domain; null when not evaluated
 */
public record DomainResult(
        String domain,
        Outcome result,
        Reason reason,
        String detail,
        List<MxHost> mx,
        List<ServerResult> servers,
        TransportSecurity transportSecurity) {
    public DomainResult {
        mx = List.copyOf(mx);
        servers = List.copyOf(servers);
    }

    /** Without a transport-security evaluation (not asked for, or not made yet). */
    public DomainResult(String domain, Outcome result, Reason reason, String detail, List<MxHost> mx,
                        List<ServerResult> servers) {
        this(domain, result, reason, detail, mx, servers, null);
    }

    /** With the transport-security evaluation; an enforced failure replaces the verdict. */
    public DomainResult withTransportSecurity(TransportSecurity security) {
        if (security != null && security.enforced() && security.reason() != null) {
            return new DomainResult(domain, security.reason().outcome(null), security.reason(), security.detail(), mx,
                    servers, security);
        }
        return new DomainResult(domain, result, reason, detail, mx, servers, security);
    }

    /** The run deadline ended this domain before it had a verdict: {@code servers} are those tried so far. */
    public boolean notFinished() {
        return reason == Reason.RunDeadlineExceeded;
    }

    /**
     * The server whose result is the domain's: the first that ended with the domain's reason.
     * Under the preferred policy that is exactly the one the policy picked (the servers before it
     * gave no verdict, so none can share its reason); under the all policy it may be an earlier
     * server that failed the same way. Null when no server was reached.
     */
    public ServerResult deciding() {
        for (ServerResult s : servers) {
            if (s.reason() == reason) {
                return s;
            }
        }
        return null;
    }
}
