package io.smtpprobe.engine.dane;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How DANE lookups talk to DNS.
 *
 * @param servers      validating lookups go to these recursive resolvers (the ones MX resolution
 *                     uses); empty means the system's resolvers. They must pass DNSSEC records on
 *                     (RRSIG, DNSKEY, DS); the validation itself happens here, not there.
 * @param timeout      the whole evaluation of one host: the TLSA lookup, the DNSKEY and DS lookups
 *                     its validation needs, and the address check
 * @param trustAnchors DS or DNSKEY records in zone-file form, one per line; validation starts there
 * @param clock        judges RRSIG inception and expiry
 */
public record DaneSettings(List<InetSocketAddress> servers, Duration timeout, String trustAnchors, Clock clock) {

    /**
     * The IANA root zone's key-signing keys (KSK-2017 and KSK-2024), as DS records: what a
     * validating resolver ships with. See https://data.iana.org/root-anchors/root-anchors.xml.
     */
    public static final String ROOT_TRUST_ANCHORS = String.join("\n",
            ". 172800 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
            ". 172800 IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
            "");

    public DaneSettings {
        servers = List.copyOf(servers);
        Objects.requireNonNull(trustAnchors, "trustAnchors");
        Objects.requireNonNull(clock, "clock");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** The root trust anchors, the system clock, these resolvers. */
    public static DaneSettings defaults(List<InetSocketAddress> servers, Duration timeout) {
        return new DaneSettings(servers, timeout, ROOT_TRUST_ANCHORS, Clock.systemUTC());
    }

    public DaneSettings withTrustAnchors(String anchors) {
        return new DaneSettings(servers, timeout, anchors, clock);
    }

    /**
     * Anchors from a file in zone-file form (e.g. the output of {@code ldns-key2ds} or {@code dnssec-dsfromkey}).
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no DS/DNSKEY record
     */
    public DaneSettings withTrustAnchorFile(Path file) {
        return withTrustAnchors(TrustAnchors.read(file));
    }

    public DaneSettings withClock(Clock newClock) {
        return new DaneSettings(servers, timeout, trustAnchors, newClock);
    }
}
