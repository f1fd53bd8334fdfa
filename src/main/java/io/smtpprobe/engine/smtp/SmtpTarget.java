package io.smtpprobe.engine.smtp;

import java.net.InetAddress;

/**
 * One server to probe: the address was resolved (and checked against policy) before, so the
 * engine never does a second lookup. {@code host} is the MX name used for SNI and certificate
 * hostname verification.
 */
public record SmtpTarget(String host, InetAddress address, int port, Integer preference) {
}
