package io.smtpprobe.engine.sts;

import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;

/**
 * How MTA-STS policies are fetched and kept.
 *
 * @param httpsPort     443; another port only for tests, whose policy server cannot bind 443
 * @param fetchTimeout  connect, headers and body of one policy fetch together
 * @param maxPolicyBytes a larger policy is refused (RFC 8461 §3.3 suggests 64 KiB)
 * @param trust         the CAs the policy host's certificate must chain to; null: the JVM's (cacerts)
 * @param cacheSize     how many domains' policies are kept
 */
public record StsSettings(int httpsPort, Duration fetchTimeout, int maxPolicyBytes, TrustManagerFactory trust,
                          int cacheSize) {
    public static final int MAX_POLICY_BYTES = 64 * 1024;

    public static StsSettings defaults() {
        return new StsSettings(443, Duration.ofSeconds(10), MAX_POLICY_BYTES, null, 10_000);
    }

    /** For tests: a policy server on a high port, trusted through the tests' own CA. */
    public StsSettings forTests(int port, TrustManagerFactory testTrust) {
        return new StsSettings(port, fetchTimeout, maxPolicyBytes, testTrust, cacheSize);
    }

    /** Policy hosts must chain to the CAs in this PEM file instead of the JVM's. */
    public StsSettings withCaFile(Path file) {
        return withTrust(CaBundle.read(file));
    }

    public StsSettings withTrust(TrustManagerFactory newTrust) {
        return new StsSettings(httpsPort, fetchTimeout, maxPolicyBytes, newTrust, cacheSize);
    }

    /** 443 as RFC 8461 §3.3 says; another port only where the policy server cannot bind it (tests). */
    public StsSettings withHttpsPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        return new StsSettings(port, fetchTimeout, maxPolicyBytes, trust, cacheSize);
    }

    public StsSettings withFetchTimeout(Duration timeout) {
        return new StsSettings(httpsPort, timeout, maxPolicyBytes, trust, cacheSize);
    }
}
