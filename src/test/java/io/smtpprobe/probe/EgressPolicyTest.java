package io.smtpprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {
    private final EgressPolicy policy = EgressPolicy.operatorDefault();

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByAddress(Cidr.literalBytes(literal));
    }

    @Test
    void cloudMetadataIsNeverAllowed() throws Exception {
        assertThat(policy.violation(ip("169.254.169.254"), 25)).isPresent();
        assertThat(policy.violation(ip("fd00:ec2::254"), 25)).isPresent();
    }

    @Test
    void loopbackIsDeniedIncludingItsIpv4MappedForm() throws Exception {
        assertThat(policy.violation(ip("127.0.0.1"), 25)).isPresent();
        assertThat(policy.violation(ip("::ffff:127.0.0.1"), 25)).get().asString().contains("127.0.0.0/8");
        assertThat(policy.violation(ip("::1"), 25)).isPresent();
    }

    @Test
    void onlySmtpPortsAreAllowed() throws Exception {
        assertThat(policy.violation(ip("192.0.2.10"), 25)).isEmpty();
        assertThat(policy.violation(ip("192.0.2.10"), 465)).isEmpty();
        assertThat(policy.violation(ip("192.0.2.10"), 6379)).get().asString().contains("port 6379");
    }

    @Test
    void configuredClusterRangesAreDenied() throws Exception {
        EgressPolicy withCluster = new EgressPolicy(EgressPolicy.SMTP_PORTS, java.util.List.of(Cidr.parse("10.96.0.0/12")));
        assertThat(withCluster.violation(ip("10.100.1.1"), 25)).isPresent();
        assertThat(withCluster.violation(ip("10.112.0.1"), 25)).isEmpty();
    }

    @Test
    void cidrParsingRefusesGarbage() {
        for (String bad : new String[] {"10.0.0.0/33", "example.test/8", "1.2.3/8", "::1/129", "10.0.0.0/x"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
