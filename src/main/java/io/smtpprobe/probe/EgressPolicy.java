package io.smtpprobe.probe;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a probe may connect. Checked against the addresses that DNS returned, right before the
 * connection, so a hostile DNS answer cannot steer the probe to cloud metadata or the cluster.
 *
 * @param allowedPorts empty means any port
 */
public record EgressPolicy(Set<Integer> allowedPorts, List<Cidr> deniedNetworks) {

    public static final Set<Integer> SMTP_PORTS = Set.of(25, 465, 587, 2525);

    /** Loopback, link-local (cloud metadata lives at 169.254.169.254 / fd00:ec2::254), unspecified, multicast. */
    public static final List<String> DEFAULT_DENIED = List.of(
            "127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128",
            "224.0.0.0/4", "ff00::/8", "fd00:ec2::254/128", "100.100.100.200/32");

    public EgressPolicy {
        allowedPorts = Set.copyOf(allowedPorts);
        deniedNetworks = List.copyOf(deniedNetworks);
    }

    /** The operator's default: SMTP ports only, none of the special-purpose ranges above. */
    public static EgressPolicy operatorDefault() {
        return new EgressPolicy(SMTP_PORTS, DEFAULT_DENIED.stream().map(Cidr::parse).toList());
    }

    /** No restriction: the {@code check} command on a laptop is the user's own telnet. */
    public static EgressPolicy unrestricted() {
        return new EgressPolicy(Set.of(), List.of());
    }

    /** Returns why the target is forbidden, or empty when it is allowed. */
    public Optional<String> violation(InetAddress address, int port) {
        if (!allowedPorts.isEmpty() && !allowedPorts.contains(port)) {
            return Optional.of("port " + port + " is not an allowed SMTP port " + allowedPorts.stream().sorted().toList());
        }
        for (Cidr cidr : deniedNetworks) {
            if (cidr.contains(address)) {
                return Optional.of(address.getHostAddress() + " is in denied network " + cidr);
            }
        }
        return Optional.empty();
    }
}
