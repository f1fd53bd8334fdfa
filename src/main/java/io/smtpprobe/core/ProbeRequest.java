package io.smtpprobe.core;

import java.time.Duration;
import java.util.List;

/**
 * What to probe, validated. Either {@code domains} (resolved through MX) or {@code servers} (which skip MX; the domains then only name the recipients' default postmaster address).
 * When {@code options.rcptTo()} is empty, each domain is probed with postmaster@domain.
 *
 * @param greylistRetry how long to wait before trying a greylisted server once more on a new
 *                      connection, as a sending MTA would; zero: never retry
 * @param warnings what the validator found doubtful but not wrong, e.g. a mixed-script label (a possible homograph)
 */
public record ProbeRequest(
        List<String> domains,
        List<HostPort> servers,
        int port,
        MxPolicy mxPolicy,
        ProbeOptions options,
        Duration greylistRetry,
        List<String> warnings) {
    public ProbeRequest {
        domains = List.copyOf(domains);
        servers = List.copyOf(servers);
        greylistRetry = greylistRetry == null || greylistRetry.isNegative() ? Duration.ZERO : greylistRetry;
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** Without a greylist retry and without warnings. */
    public ProbeRequest(List<String> domains, List<HostPort> servers, int port, MxPolicy mxPolicy, ProbeOptions options) {
        this(domains, servers, port, mxPolicy, options, Duration.ZERO, List.of());
    }

    public ProbeRequest withGreylistRetry(Duration delay) {
        return new ProbeRequest(domains, servers, port, mxPolicy, options, delay, warnings);
    }
}
