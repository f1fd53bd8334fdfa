package io.smtpprobe.core;

import java.util.List;

/**
 * What to probe, validated. Either {@code domains} (resolved through MX) or {@code servers} (which skip MX; the domains then only name the recipients' default postmaster address).
 * When {@code options.rcptTo()} is empty, each domain is probed with postmaster@domain.
 *
 * @param warnings what the validator found doubtful but not wrong, e.g. a mixed-script label (a possible homograph)
 */
public record ProbeRequest(
        List<String> domains,
        List<HostPort> servers,
        int port,
        MxPolicy mxPolicy,
        ProbeOptions options,
        List<String> warnings) {
    public ProbeRequest {
        domains = List.copyOf(domains);
        servers = List.copyOf(servers);
        warnings = List.copyOf(warnings);
    }

    public ProbeRequest(List<String> domains, List<HostPort> servers, int port, MxPolicy mxPolicy, ProbeOptions options) {
        this(domains, servers, port, mxPolicy, options, List.of());
    }
}
