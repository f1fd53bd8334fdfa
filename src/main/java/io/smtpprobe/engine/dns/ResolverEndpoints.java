package io.smtpprobe.engine.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.xbill.DNS.Address;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;

/** Turns {@code HOST[:PORT]} resolver endpoints into socket addresses without any lookup. */
public final class ResolverEndpoints {
    private ResolverEndpoints() {
    }

    /** The given endpoints, or the system's resolvers when there are none. */
    static List<InetSocketAddress> resolve(List<String> endpoints) {
        if (endpoints.isEmpty()) {
            return List.copyOf(ResolverConfig.getCurrentConfig().servers());
        }
        return endpoints.stream().map(ResolverEndpoints::parse).toList();
    }

    /**
     * Parses {@code 127.0.0.1}, {@code 127.0.0.1:5353}, {@code ::1} or {@code [::1]:5353}. Host
     * names are refused: looking up the address of a DNS server would need DNS, and would block.
     */
    public static InetSocketAddress parse(String endpoint) {
        String text = endpoint.strip();
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw invalid(endpoint, "unclosed '['");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(endpoint, "expected ':' after ']'");
                }
                port = rest.substring(1);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        return new InetSocketAddress(address(endpoint, host), port == null ? SimpleResolver.DEFAULT_PORT : port(endpoint, port));
    }

    private static InetAddress address(String endpoint, String host) {
        try {
            return Address.getByAddress(host);
        } catch (UnknownHostException e) {
            throw invalid(endpoint, "the host must be an IP address");
        }
    }

    private static int port(String endpoint, String port) {
        try {
            int value = Integer.parseInt(port);
            if (value < 1 || value > 65535) {
                throw invalid(endpoint, "port out of range");
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(endpoint, "port is not a number");
        }
    }

    private static IllegalArgumentException invalid(String endpoint, String why) {
        return new IllegalArgumentException("invalid resolver endpoint '" + endpoint + "': " + why);
    }
}
