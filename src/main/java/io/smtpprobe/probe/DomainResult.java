package io.smtpprobe.probe;

import io.smtpprobe.dns.MxHost;
import io.smtpprobe.smtp.Outcome;
import io.smtpprobe.smtp.Reason;
import io.smtpprobe.smtp.ServerResult;
import java.util.List;

/**
 * The verdict for one domain. {@code reason} is that of the deciding server (the first that
 * completed the dialogue under the preferred policy, the worst under the all policy), or a DNS or
 * policy reason when no server was reached. {@code message} is one human line naming the finding.
 */
public record DomainResult(
        String domain,
        Outcome result,
        Reason reason,
        String message,
        List<MxHost> mx,
        List<ServerResult> servers) {
    public DomainResult {
        mx = List.copyOf(mx);
        servers = List.copyOf(servers);
    }
}
