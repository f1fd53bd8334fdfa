package io.smtpprobe.core;

import java.util.List;

/**
 * The verdict for one domain, as facts; the report layer puts them into words. {@code reason} is
 * that of the deciding server (the first that completed the dialogue under the preferred policy,
 * the worst under the all policy), or a DNS or policy reason when no server was reached.
 *
 * @param detail what the resolver said when no server was reached (e.g. "NXDOMAIN for x.test"),
 *               sanitised; null when a server decided
 */
public record DomainResult(
        String domain,
        Outcome result,
        Reason reason,
        String detail,
        List<MxHost> mx,
        List<ServerResult> servers) {
    public DomainResult {
        mx = List.copyOf(mx);
        servers = List.copyOf(servers);
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
