package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.Dnsmasq;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("real")
class DnsmasqHarnessTest {

    @Test
    void startsQuicklyAnswersOnlyForTestAndStopsOnClose() throws Exception {
        long start = System.nanoTime();
        Dnsmasq dns = Dnsmasq.builder().host("up.test", "127.0.0.1").start();
        Duration startup = Duration.ofNanos(System.nanoTime() - start);
        DnsjavaMxResolver resolver = new DnsjavaMxResolver(
                DnsSettings.defaults().withServers(List.of(dns.endpoint())).withQueryTimeout(Duration.ofMillis(500)));
        try {
            assertThat(startup).isLessThan(Duration.ofSeconds(3));
            assertThat(resolve(resolver, "up.test").status()).isEqualTo(DnsStatus.Ok);
            // Not forwarded anywhere: dnsmasq has no upstream for names outside .test.
            assertThat(resolve(resolver, "example.com").status()).isEqualTo(DnsStatus.ServerFailure);
            assertThat(dns.log()).contains("query[MX] up.test");
        } finally {
            dns.close();
        }

        assertThat(dns.isRunning()).isFalse();
        assertThat(resolve(resolver, "up.test").status()).isIn(DnsStatus.Timeout, DnsStatus.ServerFailure);
    }

    private static MxResolution resolve(DnsjavaMxResolver resolver, String domain) throws Exception {
        return resolver.resolve(domain).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
