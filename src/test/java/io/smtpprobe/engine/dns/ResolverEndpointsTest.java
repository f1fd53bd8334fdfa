package io.smtpprobe.engine.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ResolverEndpointsTest {

    @Test
    void ipv4WithPortIsTakenAsIs() {
        InetSocketAddress address = ResolverEndpoints.parse("127.0.0.1:5353");
        assertThat(address.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(address.getPort()).isEqualTo(5353);
    }

    @Test
    void portDefaultsTo53() {
        assertThat(ResolverEndpoints.parse("127.0.0.1").getPort()).isEqualTo(53);
        assertThat(ResolverEndpoints.parse("::1").getPort()).isEqualTo(53);
        assertThat(ResolverEndpoints.parse("[::1]").getPort()).isEqualTo(53);
    }

    @Test
    void bracketedIpv6TakesAPort() {
        InetSocketAddress address = ResolverEndpoints.parse("[::1]:5300");
        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
        assertThat(address.getAddress().getAddress()).hasSize(16);
        assertThat(address.getPort()).isEqualTo(5300);
    }

    @Test
    void hostNamesAreRefusedBecauseResolvingThemWouldNeedDns() {
        assertThatThrownBy(() -> ResolverEndpoints.parse("localhost:53"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IP address");
    }

    @Test
    void malformedPortsAreRefused() {
        assertThatThrownBy(() -> ResolverEndpoints.parse("127.0.0.1:dns")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ResolverEndpoints.parse("127.0.0.1:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> ResolverEndpoints.parse("[::1")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> ResolverEndpoints.parse("[::1]53")).hasMessageContaining("expected ':'");
    }
}
