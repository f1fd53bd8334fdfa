package io.smtpprobe.engine;

import io.smtpprobe.core.Cidr;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a probe may connect. Checked against the addresses that DNS returned, right before the
 * connection, so a hostile DNS answer cannot steer the probe to cloud metadata or the cluster.
 * An operator that may connect to internal relays would let anyone who can create an SmtpProbe
 * use them (with DATA, as a relay that trusts pod addresses), so private ranges are denied by
 * default and must be opened explicitly with {@code allowedNetworks}.
 *
 * @param allowedPorts    empty means any port
 * @param allowedNetworks exceptions to {@code deniedNetworks}, e.g. one internal MX
 */
public record EgressPolicy(Set<Integer> allowedPorts, List<Cidr> deniedNetworks, List<Cidr> allowedNetworks) {

    public static final Set<Integer> SMTP_PORTS = Set.of(25, 465, 587, 2525);

    /**
     * Always denied, also by {@code check}: link-local (cloud metadata lives at 169.254.169.254,
     * fd00:ec2::254 and 100.100.100.200), unspecified, multicast and reserved addresses.
     */
    public static final List<String> ALWAYS_DENIED = List.of(
            "169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128", "224.0.0.0/4", "ff00::/8", "240.0.0.0/4",
            "fd00:ec2::254/128", "100.100.100.200/32");

    /** The operator's default: the above plus loopback, private, shared (CGNAT) and unique-local ranges. */
    public static final List<String> DEFAULT_DENIED = java.util.stream.Stream.concat(ALWAYS_DENIED.stream(), java.util.stream.Stream.of(
            "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
            "198.18.0.0/15", "fc00::/7")).toList();

    public EgressPolicy {
        allowedPorts = Set.copyOf(allowedPorts);
        deniedNetworks = List.copyOf(deniedNetworks);
        allowedNetworks = List.copyOf(allowedNetworks);
    }

    public EgressPolicy(Set<Integer> allowedPorts, List<Cidr> deniedNetworks) {
        this(allowedPorts, deniedNetworks, List.of());
    }

    /** The operator's default: SMTP ports only, none of the special-purpose ranges above. */
    public static EgressPolicy operatorDefault() {
        return new EgressPolicy(SMTP_PORTS, DEFAULT_DENIED.stream().map(Cidr::parse).toList());
    }

    /** No restriction: the {@code check} command on a laptop is the user's own telnet. */
    public static EgressPolicy unrestricted() {
        return new EgressPolicy(Set.of(), List.of(), List.of());
    }

    /** What each special-purpose range is, so that a refusal can name the rule in words. */
    private static final java.util.Map<String, String> RANGE_NAMES = java.util.Map.ofEntries(
            java.util.Map.entry("169.254.0.0/16", "link-local"), java.util.Map.entry("fe80::/10", "link-local"),
            java.util.Map.entry("0.0.0.0/8", "unspecified"), java.util.Map.entry("::/128", "unspecified"),
            java.util.Map.entry("224.0.0.0/4", "multicast"), java.util.Map.entry("ff00::/8", "multicast"),
            java.util.Map.entry("240.0.0.0/4", "reserved"), java.util.Map.entry("fd00:ec2::254/128", "cloud metadata"),
            java.util.Map.entry("100.100.100.200/32", "cloud metadata"), java.util.Map.entry("127.0.0.0/8", "loopback"),
            java.util.Map.entry("::1/128", "loopback"), java.util.Map.entry("10.0.0.0/8", "private"),
            java.util.Map.entry("172.16.0.0/12", "private"), java.util.Map.entry("192.168.0.0/16", "private"),
            java.util.Map.entry("100.64.0.0/10", "shared (CGNAT)"), java.util.Map.entry("198.18.0.0/15", "benchmarking"),
            java.util.Map.entry("fc00::/7", "unique-local"));

    /**
     * Returns why the target is forbidden, or empty when it is allowed. The words name the rule,
     * never the address: an MX host name that resolves into the cluster must not tell a tenant
     * which internal address it has (the caller logs the address at DEBUG for the operator).
     */
    public Optional<String> violation(InetAddress address, int port) {
        if (!allowedPorts.isEmpty() && !allowedPorts.contains(port)) {
            return Optional.of("port " + port + " is not an allowed SMTP port " + allowedPorts.stream().sorted().toList());
        }
        byte[] bytes = address.getAddress();
        byte[] embedded = Cidr.embeddedIpv4(bytes);
        if (allowed(bytes) && (embedded == null || allowed(embedded))) {
            return Optional.empty();
        }
        for (Cidr cidr : deniedNetworks) {
            if (cidr.containsBytes(bytes) || (embedded != null && cidr.containsBytes(embedded))) {
                return Optional.of(rule(cidr) + " is denied by policy");
            }
        }
        return Optional.empty();
    }

    /** "loopback 127.0.0.0/8", or "network 203.0.113.0/24" for a range the operator chose. */
    static String rule(Cidr cidr) {
        return RANGE_NAMES.getOrDefault(cidr.text(), "network") + " " + cidr.text();
    }

    private boolean allowed(byte[] bytes) {
        for (Cidr cidr : allowedNetworks) {
            if (cidr.containsBytes(bytes)) {
                return true;
            }
        }
        return false;
    }
}
