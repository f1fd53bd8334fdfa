package io.smtpprobe.engine.dns;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link DnsjavaMxResolver} talks to DNS.
 *
 * @param servers resolver endpoints as IP literals with optional port ({@code 127.0.0.1},
 *     {@code 127.0.0.1:5353}, {@code ::1}, {@code [::1]:53}), tried in order when one fails
 *     or times out; empty means the system's resolver configuration
 * @param queryTimeout how long one query may wait for one server
 * @param maxMxHosts how many MX hosts (lowest preferences first) are resolved and returned
 * @param maxAddressesPerHost how many addresses each host keeps (IPv4 first)
 */
public record DnsSettings(List<String> servers, Duration queryTimeout, int maxMxHosts, int maxAddressesPerHost) {
    public DnsSettings {
        servers = List.copyOf(servers);
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("queryTimeout must be positive: " + queryTimeout);
        }
        if (maxMxHosts < 1) {
            throw new IllegalArgumentException("maxMxHosts must be at least 1: " + maxMxHosts);
        }
        if (maxAddressesPerHost < 1) {
            throw new IllegalArgumentException("maxAddressesPerHost must be at least 1: " + maxAddressesPerHost);
        }
    }

    /** System resolvers, 5 s per query, 10 MX hosts with up to 4 addresses each. */
    public static DnsSettings defaults() {
        return new DnsSettings(List.of(), Duration.ofSeconds(5), 10, 4);
    }

    public DnsSettings withServers(List<String> newServers) {
        return new DnsSettings(newServers, queryTimeout, maxMxHosts, maxAddressesPerHost);
    }

    public DnsSettings withQueryTimeout(Duration newQueryTimeout) {
        return new DnsSettings(servers, newQueryTimeout, maxMxHosts, maxAddressesPerHost);
    }

    public DnsSettings withCaps(int newMaxMxHosts, int newMaxAddressesPerHost) {
        return new DnsSettings(servers, queryTimeout, newMaxMxHosts, newMaxAddressesPerHost);
    }
}
