package io.smtpprobe.engine;

import io.smtpprobe.core.Cidr;
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

    @Test
    void privateAndSharedRangesAreDeniedByDefaultSoInternalRelaysCannotBeReached() throws Exception {
        for (String internal : new String[] {"10.0.0.5", "172.16.3.4", "192.168.1.1", "100.64.0.1", "fd12::25"}) {
            assertThat(policy.violation(ip(internal), 25)).as(internal).isPresent();
        }
    }

    @Test
    void ipv4HiddenInIpv6TransitionFormatsIsCheckedAsIpv4() throws Exception {
        assertThat(policy.violation(ip("64:ff9b::a9fe:a9fe"), 25)).as("NAT64 metadata").isPresent();
        assertThat(policy.violation(ip("64:ff9b::a00:5"), 25)).as("NAT64 10.0.0.5").isPresent();
        assertThat(policy.violation(ip("::a9fe:a9fe"), 25)).as("IPv4-compatible").isPresent();
        assertThat(policy.violation(ip("2002:a9fe:a9fe::1"), 25)).as("6to4").isPresent();
        assertThat(policy.violation(ip("64:ff9b::c000:20a"), 25)).as("NAT64 of a public address").isEmpty();
    }

    @Test
    void allowedNetworksOpenExceptionsInTheDeniedOnes() throws Exception {
        EgressPolicy withException = new EgressPolicy(EgressPolicy.SMTP_PORTS,
                EgressPolicy.DEFAULT_DENIED.stream().map(Cidr::parse).toList(), java.util.List.of(Cidr.parse("10.1.2.3/32")));
        assertThat(withException.violation(ip("10.1.2.3"), 25)).isEmpty();
        assertThat(withException.violation(ip("10.1.2.4"), 25)).isPresent();
        assertThat(withException.violation(ip("10.1.2.3"), 6379)).as("ports still apply").isPresent();
    }

    @Test
    void outOfRangeDottedQuadsAreNotAddressesAndNeverLookedUp() {
        assertThat(Cidr.literalBytes("999.1.1.1")).isNull();
        assertThat(Cidr.literalBytes("1.2.3.256")).isNull();
        assertThat(Cidr.literalBytes("localhost")).isNull();
    }
}
