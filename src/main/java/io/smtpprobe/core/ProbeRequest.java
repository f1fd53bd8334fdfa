package io.smtpprobe.core;

import io.smtpprobe.core.ProbeOptions;
import java.util.List;

/**
 * What to probe. Either {@code domains} (resolved through MX) or {@code servers} (HOST[:PORT],
 * which skips MX; the domains then only name the recipients' default postmaster address).
 * When {@code options.rcptTo()} is empty, each domain is probed with postmaster@domain.
 */
public record ProbeRequest(
        List<String> domains,
        List<String> servers,
        int port,
        MxPolicy mxPolicy,
        ProbeOptions options) {
    public ProbeRequest {
        domains = List.copyOf(domains);
        servers = List.copyOf(servers);
    }
}
