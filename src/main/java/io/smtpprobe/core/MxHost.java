package io.smtpprobe.core;

import io.smtpprobe.core.DnsStatus;
import java.net.InetAddress;
import java.util.List;

/**
 * One mail exchanger with the addresses it resolved to. {@code implicit} is true for the RFC 5321
 * §5.1 fallback where the domain itself is the host. {@code addressError} is set when the host
 * name did not resolve (then {@code addresses} is empty).
 */
public record MxHost(String host, int preference, boolean implicit, List<InetAddress> addresses, DnsStatus addressError) {
    public MxHost {
        addresses = List.copyOf(addresses);
    }
}
