package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ServerResult;
import java.net.InetAddress;

/**
 * One server to probe: the address was resolved (and checked against policy) before, so the
 * engine never does a second lookup. {@code host} is the MX name used for SNI and certificate
 * hostname verification.
 */
public record SmtpTarget(String host, InetAddress address, int port, Integer preference) {

    /** A result about this server, with the server's fields filled in. */
    public ServerResult.Builder resultBuilder() {
        return ServerResult.builder().host(host).address(address == null ? null : address.getHostAddress())
                .port(port).preference(preference);
    }
}
