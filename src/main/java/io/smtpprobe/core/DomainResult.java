package io.smtpprobe.core;

import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
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
