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
 * @param runTimeout the deadline of the whole run, across domains, MX hosts, attempts and greylist
 *                   retries; null: derived by {@link #runDeadline()}
 * @param transportSecurity whether MTA-STS, DANE and TLS-RPT are judged; the validator's default is
 *                   Evaluate, a request made in code without it Ignore
 */
public record ProbeRequest(
        List<String> domains,
        List<HostPort> servers,
        int port,
        MxPolicy mxPolicy,
        ProbeOptions options,
        Duration greylistRetry,
        List<String> warnings,
        Duration runTimeout,
        TransportSecurityMode transportSecurity) {

    /** The longest run deadline anyone may ask for, and the cap of the derived one. */
    public static final Duration MAX_RUN_TIMEOUT = Duration.ofHours(1);

    public ProbeRequest {
        domains = List.copyOf(domains);
        servers = List.copyOf(servers);
        greylistRetry = greylistRetry == null || greylistRetry.isNegative() ? Duration.ZERO : greylistRetry;
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        runTimeout = runTimeout == null || runTimeout.isZero() || runTimeout.isNegative() ? null : runTimeout;
        transportSecurity = transportSecurity == null ? TransportSecurityMode.Ignore : transportSecurity;
    }

    /** Without transport-security evaluation. */
    public ProbeRequest(List<String> domains, List<HostPort> servers, int port, MxPolicy mxPolicy, ProbeOptions options,
                        Duration greylistRetry, List<String> warnings, Duration runTimeout) {
        this(domains, servers, port, mxPolicy, options, greylistRetry, warnings, runTimeout, TransportSecurityMode.Ignore);
    }

    /** With a derived run deadline. */
    public ProbeRequest(List<String> domains, List<HostPort> servers, int port, MxPolicy mxPolicy, ProbeOptions options,
                        Duration greylistRetry, List<String> warnings) {
        this(domains, servers, port, mxPolicy, options, greylistRetry, warnings, null);
    }

    /** Without a greylist retry and without warnings. */
    public ProbeRequest(List<String> domains, List<HostPort> servers, int port, MxPolicy mxPolicy, ProbeOptions options) {
        this(domains, servers, port, mxPolicy, options, Duration.ZERO, List.of(), null);
    }

    public ProbeRequest withGreylistRetry(Duration delay) {
        return new ProbeRequest(domains, servers, port, mxPolicy, options, delay, warnings, runTimeout, transportSecurity);
    }

    /** @param deadline null: derived */
    public ProbeRequest withRunTimeout(Duration deadline) {
        return new ProbeRequest(domains, servers, port, mxPolicy, options, greylistRetry, warnings, deadline, transportSecurity);
    }

    public ProbeRequest withTransportSecurity(TransportSecurityMode mode) {
        return new ProbeRequest(domains, servers, port, mxPolicy, options, greylistRetry, warnings, runTimeout, mode);
    }

    /**
     * The run's deadline: the one asked for, or two whole dialogues plus the greylist wait (a
     * preferred MX that times out and a backup that answers, or one retry), at most
     * {@link #MAX_RUN_TIMEOUT}. Domains run in parallel, so their number does not count.
     */
    public Duration runDeadline() {
        if (runTimeout != null) {
            return runTimeout;
        }
        Duration derived = options.timeouts().total().multipliedBy(2).plus(greylistRetry);
        return derived.compareTo(MAX_RUN_TIMEOUT) > 0 ? MAX_RUN_TIMEOUT : derived;
    }
}
