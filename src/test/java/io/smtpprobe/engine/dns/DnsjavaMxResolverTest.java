package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DnsjavaMxResolverTest {

    @Test
    void unicodeDomainBecomesAnAbsoluteALabelName() throws Exception {
        assertThat(DnsjavaMxResolver.toName("Bücher.Test.").toString()).isEqualTo("xn--bcher-kva.test.");
        assertThat(DnsjavaMxResolver.toName("example.test").isAbsolute()).isTrue();
    }

    @Test
    void emptyDomainIsRefused() {
        assertThatThrownBy(() -> DnsjavaMxResolver.toName(" . ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidDomainIsNameNotFoundWithoutAnyQuery() throws Exception {
        // Port 9 (discard) on loopback: nothing must be sent there for a name that cannot exist.
        DnsjavaMxResolver resolver = new DnsjavaMxResolver(DnsSettings.defaults().withServers(List.of("127.0.0.1:9")));

        MxResolution resolution = resolver.resolve("bad..test").toCompletableFuture().get(1, TimeUnit.SECONDS);

        assertThat(resolution.status()).isEqualTo(DnsStatus.NameNotFound);
        assertThat(resolution.domain()).isEqualTo("bad..test");
        assertThat(resolution.detail()).startsWith("invalid domain name 'bad..test'");
    }

    @Test
    void settingsRejectNonsensicalCaps() {
        assertThatThrownBy(() -> DnsSettings.defaults().withCaps(0, 1)).hasMessageContaining("maxMxHosts");
        assertThatThrownBy(() -> DnsSettings.defaults().withCaps(1, 0)).hasMessageContaining("maxAddressesPerHost");
        assertThatThrownBy(() -> DnsSettings.defaults().withQueryTimeout(java.time.Duration.ZERO))
                .hasMessageContaining("queryTimeout");
    }

    @Test
    void configuredServersAreQueriedInOrder() {
        DnsjavaMxResolver resolver = new DnsjavaMxResolver(
                DnsSettings.defaults().withServers(List.of("127.0.0.1:5353", "[::1]:53")));

        assertThat(resolver.servers()).containsExactly("127.0.0.1:5353", "[0:0:0:0:0:0:0:1]:53");
    }
}
