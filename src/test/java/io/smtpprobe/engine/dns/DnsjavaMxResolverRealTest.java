package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.MxHost;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.Dnsmasq;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("real")
class DnsjavaMxResolverRealTest {
    private static Dnsmasq dns;

    @BeforeAll
    static void startDnsmasq() {
        dns = Dnsmasq.builder()
                .mx("mx.test", "b.mx.test", 20)
                .mx("mx.test", "a.mx.test", 10)
                .mx("mx.test", "c.mx.test", 30)
                .host("a.mx.test", "127.0.0.10", "::1")
                .host("b.mx.test", "127.0.0.11")
                .host("c.mx.test", "127.0.0.12")
                .host("implicit.test", "127.0.0.20")
                .txt("txtonly.test", "v=spf1 -all")
                .nullMx("nullmx.test")
                .nullMx("mixed.test")
                .mx("mixed.test", "a.mx.test", 10)
                // no upstream for this zone: dnsmasq answers REFUSED
                .option("server=/dnsrefused.test/#")
                .mx("ghost.test", "nowhere.ghost.test", 10)
                .mx("cnamed.test", "mail.cnamed.test", 10)
                .cname("mail.cnamed.test", "a.mx.test")
                .cname("alias.test", "mx.test")
                .host("many.test", "127.0.0.31")
                .host("many.test", "127.0.0.32")
                .host("many.test", "127.0.0.33")
                .mx("xn--bcher-kva.test", "a.mx.test", 5)
                .start();
    }

    @AfterAll
    static void stopDnsmasq() {
        if (dns != null) {
            dns.close();
        }
    }

    private static MxResolution resolve(String domain) throws Exception {
        return resolve(domain, DnsSettings.defaults());
    }

    private static MxResolution resolve(String domain, DnsSettings base) throws Exception {
        DnsSettings settings = base.withServers(List.of(dns.endpoint())).withQueryTimeout(Duration.ofSeconds(2));
        return new DnsjavaMxResolver(settings).resolve(domain).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void mxHostsComeInPreferenceOrderWithTheirAddresses() throws Exception {
        MxResolution resolution = resolve("mx.test");

        assertThat(resolution.status()).as(dns.log()).isEqualTo(DnsStatus.Ok);
        assertThat(resolution.hosts()).extracting(MxHost::host).containsExactly("a.mx.test", "b.mx.test", "c.mx.test");
        assertThat(resolution.hosts()).extracting(MxHost::preference).containsExactly(10, 20, 30);
        assertThat(resolution.hosts()).allSatisfy(host -> {
            assertThat(host.implicit()).isFalse();
            assertThat(host.addressError()).isNull();
        });
        assertThat(resolution.hosts().get(0).addresses())
                .containsExactly(InetAddress.getByName("127.0.0.10"), InetAddress.getByName("::1"));
        assertThat(resolution.detail()).isEqualTo("3 MX hosts for mx.test");
    }

    @Test
    void hostCapKeepsTheMostPreferredHosts() throws Exception {
        MxResolution resolution = resolve("mx.test", DnsSettings.defaults().withCaps(2, 4));

        assertThat(resolution.hosts()).extracting(MxHost::host).containsExactly("a.mx.test", "b.mx.test");
        assertThat(resolution.detail()).contains("1 more ignored");
    }

    @Test
    void addressCapKeepsTheFirstAddresses() throws Exception {
        MxResolution resolution = resolve("many.test", DnsSettings.defaults().withCaps(10, 2));

        assertThat(resolution.status()).as(dns.log()).isEqualTo(DnsStatus.Ok);
        assertThat(resolution.hosts()).singleElement().satisfies(host -> assertThat(host.addresses()).hasSize(2));
    }

    @Test
    void domainWithoutMxButWithAddressIsItsOwnImplicitMx() throws Exception {
        MxResolution resolution = resolve("implicit.test");

        assertThat(resolution.status()).isEqualTo(DnsStatus.Ok);
        assertThat(resolution.hosts()).singleElement().satisfies(host -> {
            assertThat(host.host()).isEqualTo("implicit.test");
            assertThat(host.implicit()).isTrue();
            assertThat(host.preference()).isZero();
            assertThat(host.addresses()).containsExactly(InetAddress.getByName("127.0.0.20"));
        });
        assertThat(resolution.detail()).contains("implicit MX");
    }

    @Test
    void unknownDomainIsNameNotFound() throws Exception {
        MxResolution resolution = resolve("nosuch.test");

        assertThat(resolution.status()).isEqualTo(DnsStatus.NameNotFound);
        assertThat(resolution.hosts()).isEmpty();
        assertThat(resolution.detail()).isEqualTo("NXDOMAIN for nosuch.test");
    }

    @Test
    void existingDomainWithNeitherMxNorAddressIsNoData() throws Exception {
        MxResolution resolution = resolve("txtonly.test");

        assertThat(resolution.status()).isEqualTo(DnsStatus.NoData);
        assertThat(resolution.hosts()).isEmpty();
        assertThat(resolution.detail()).isEqualTo("no MX and no A/AAAA for txtonly.test");
    }

    @Test
    void aNullMxBesideAnotherMxIsAMisconfiguration() throws Exception {
        MxResolution resolution = resolve("mixed.test");

        assertThat(resolution.status()).as(dns.log()).isEqualTo(DnsStatus.NullMxMixed);
        assertThat(resolution.hosts()).isEmpty();
        assertThat(resolution.detail()).contains("beside other MX records (10 a.mx.test)");
    }

    @Test
    void aRefusedQueryIsAServerFailure() throws Exception {
        MxResolution resolution = resolve("dnsrefused.test");

        assertThat(resolution.status()).as(dns.log()).isEqualTo(DnsStatus.ServerFailure);
        assertThat(resolution.detail()).startsWith("REFUSED for dnsrefused.test MX");
    }

    @Test
    void nullMxMeansTheDomainAcceptsNoMail() throws Exception {
        MxResolution resolution = resolve("nullmx.test");

        assertThat(resolution.status()).isEqualTo(DnsStatus.NullMx);
        assertThat(resolution.hosts()).isEmpty();
        assertThat(resolution.detail()).contains("null MX");
    }

    @Test
    void mxHostWithoutAddressIsKeptWithItsError() throws Exception {
        MxResolution resolution = resolve("ghost.test");

        assertThat(resolution.status()).isEqualTo(DnsStatus.Ok);
        assertThat(resolution.hosts()).singleElement().satisfies(host -> {
            assertThat(host.host()).isEqualTo("nowhere.ghost.test");
            assertThat(host.addresses()).isEmpty();
            assertThat(host.addressError()).isEqualTo(DnsStatus.NameNotFound);
        });
        assertThat(resolution.detail()).contains("1 without address", "NXDOMAIN for nowhere.ghost.test");
    }

    @Test
    void mxHostBehindCnameResolvesToTheTargetsAddresses() throws Exception {
        MxResolution resolution = resolve("cnamed.test");

        assertThat(resolution.hosts()).singleElement().satisfies(host -> {
            assertThat(host.host()).isEqualTo("mail.cnamed.test");
            assertThat(host.addresses()).containsExactly(InetAddress.getByName("127.0.0.10"), InetAddress.getByName("::1"));
        });
    }

    @Test
    void domainAliasedByCnameUsesTheMxOfItsTarget() throws Exception {
        MxResolution resolution = resolve("alias.test");

        assertThat(resolution.status()).as(dns.log()).isEqualTo(DnsStatus.Ok);
        assertThat(resolution.domain()).isEqualTo("alias.test");
        assertThat(resolution.hosts()).extracting(MxHost::host).containsExactly("a.mx.test", "b.mx.test", "c.mx.test");
    }

    @Test
    void unicodeDomainIsLookedUpAsALabels() throws Exception {
        MxResolution resolution = resolve("bücher.test");

        assertThat(resolution.domain()).isEqualTo("bücher.test");
        assertThat(resolution.status()).isEqualTo(DnsStatus.Ok);
        assertThat(resolution.hosts()).extracting(MxHost::host).containsExactly("a.mx.test");
    }
}
