package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.MxHost;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.ScriptedDnsServer;
import io.smtpprobe.testsupport.ScriptedDnsServer.Question;
import io.smtpprobe.testsupport.ScriptedDnsServer.Reply;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

@Tag("peers")
class DnsjavaMxResolverPeersTest {
    private static final Duration QUERY_TIMEOUT = Duration.ofMillis(400);
    private final List<ScriptedDnsServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(ScriptedDnsServer::close);
    }

    private ScriptedDnsServer server(ScriptedDnsServer.Script script) {
        ScriptedDnsServer server = ScriptedDnsServer.start(script);
        servers.add(server);
        return server;
    }

    private static MxResolution resolve(String domain, ScriptedDnsServer... at) throws Exception {
        List<String> endpoints = Arrays.stream(at).map(ScriptedDnsServer::endpoint).toList();
        DnsSettings settings = DnsSettings.defaults().withServers(endpoints).withQueryTimeout(QUERY_TIMEOUT);
        return new DnsjavaMxResolver(settings).resolve(domain).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Record mx(String owner, int preference, String target) {
        return new MXRecord(name(owner), DClass.IN, 60, preference, name(target));
    }

    private static InetAddress ip(String literal) {
        try {
            return Address.getByAddress(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Record a(String owner, String address) {
        return new ARecord(name(owner), DClass.IN, 60, ip(address));
    }

    private static Record cname(String owner, String target) {
        return new CNAMERecord(name(owner), DClass.IN, 60, name(target));
    }

    private static boolean asks(Question question, String owner, int type) {
        return question.name().equals(name(owner)) && question.type() == type;
    }

    @Test
    void servfailIsAServerFailure() throws Exception {
        ScriptedDnsServer server = server(q -> Reply.rcode(Rcode.SERVFAIL));

        MxResolution resolution = resolve("broken.test", server);

        assertThat(resolution.status()).isEqualTo(DnsStatus.ServerFailure);
        assertThat(resolution.detail()).isEqualTo("SERVFAIL for broken.test MX from " + server.endpoint());
    }

    @Test
    void refusedIsAServerFailure() throws Exception {
        ScriptedDnsServer server = server(q -> Reply.rcode(Rcode.REFUSED));

        MxResolution resolution = resolve("refused.test", server);

        assertThat(resolution.status()).isEqualTo(DnsStatus.ServerFailure);
        assertThat(resolution.detail()).startsWith("REFUSED for refused.test MX");
    }

    @Test
    void aNullMxBesideOtherMxRecordsIsAMisconfigurationAndNoHostIsResolved() throws Exception {
        ScriptedDnsServer server = server(q -> asks(q, "mixed.test", Type.MX)
                ? Reply.records(mx("mixed.test", 0, "."), mx("mixed.test", 10, "mx.mixed.test"))
                : Reply.records(a("mx.mixed.test", "127.0.0.1")));

        MxResolution resolution = resolve("mixed.test", server);

        assertThat(resolution.status()).isEqualTo(DnsStatus.NullMxMixed);
        assertThat(resolution.hosts()).isEmpty();
        assertThat(resolution.detail()).isEqualTo(
                "null MX for mixed.test beside other MX records (10 mx.mixed.test): RFC 7505 forbids mixing them");
        assertThat(server.questions()).extracting(Question::type).containsOnly(Type.MX);
    }

    @Test
    void aLoneNullMxIsStillANullMx() throws Exception {
        ScriptedDnsServer server = server(q -> Reply.records(mx("nullmx.test", 0, ".")));

        MxResolution resolution = resolve("nullmx.test", server);

        assertThat(resolution.status()).isEqualTo(DnsStatus.NullMx);
    }

    @Test
    void silentServerTimesOutWithinTheQueryTimeout() throws Exception {
        ScriptedDnsServer server = server(q -> Reply.noReply());

        long start = System.nanoTime();
        MxResolution resolution = resolve("silent.test", server);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(resolution.status()).isEqualTo(DnsStatus.Timeout);
        assertThat(resolution.detail()).isEqualTo("no answer for silent.test MX from " + server.endpoint());
        assertThat(took).isBetween(QUERY_TIMEOUT.minusMillis(50), QUERY_TIMEOUT.multipliedBy(2));
    }

    @Test
    void nextServerIsAskedWhenTheFirstIsSilent() throws Exception {
        ScriptedDnsServer silent = server(q -> Reply.noReply());
        ScriptedDnsServer answering = server(q -> asks(q, "failover.test", Type.MX)
                ? Reply.records(mx("failover.test", 10, "mx.failover.test"))
                : asks(q, "mx.failover.test", Type.A) ? Reply.records(a("mx.failover.test", "127.0.0.5")) : Reply.records());

        MxResolution resolution = resolve("failover.test", silent, answering);

        assertThat(resolution.status()).isEqualTo(DnsStatus.Ok);
        assertThat(resolution.hosts()).singleElement()
                .satisfies(host -> assertThat(host.addresses()).containsExactly(ip("127.0.0.5")));
    }

    @Test
    void truncatedUdpAnswerIsRetriedOverTcp() throws Exception {
        ScriptedDnsServer server = server(q -> {
            if (!q.overTcp()) {
                return Reply.truncation();
            }
            return asks(q, "big.test", Type.MX)
                    ? Reply.records(mx("big.test", 10, "mx.big.test"))
                    : asks(q, "mx.big.test", Type.A) ? Reply.records(a("mx.big.test", "127.0.0.6")) : Reply.records();
        });

        MxResolution resolution = resolve("big.test", server);

        assertThat(resolution.status()).isEqualTo(DnsStatus.Ok);
        assertThat(resolution.hosts()).extracting(MxHost::host).containsExactly("mx.big.test");
        assertThat(server.questions()).filteredOn(q -> asks(q, "big.test", Type.MX))
                .extracting(Question::overTcp).containsExactly(false, true);
    }

    @Test
    void cnameLoopIsAServerFailure() throws Exception {
        ScriptedDnsServer server = server(q -> asks(q, "loop.test", q.type())
                ? Reply.records(cname("loop.test", "pool.test"))
                : Reply.records(cname("pool.test", "loop.test")));

        MxResolution resolution = resolve("loop.test", server);

        assertThat(resolution.status()).isEqualTo(DnsStatus.ServerFailure);
        assertThat(resolution.detail()).isEqualTo("CNAME loop at loop.test resolving loop.test");
    }

    @Test
    void cnameChainLongerThanTheBoundIsAServerFailure() throws Exception {
        // c0 -> c1 -> ... each answered one link at a time, so the bound must hold across queries.
        ScriptedDnsServer server = server(q -> {
            int link = Integer.parseInt(q.name().getLabelString(0).substring(1));
            return Reply.records(cname("c" + link + ".test", "c" + (link + 1) + ".test"));
        });

        MxResolution resolution = resolve("c0.test", server);

        assertThat(resolution.status()).isEqualTo(DnsStatus.ServerFailure);
        assertThat(resolution.detail()).isEqualTo("CNAME chain from c0.test longer than " + DnsQueries.MAX_CNAME_HOPS);
        assertThat(server.questions()).hasSizeLessThanOrEqualTo(DnsQueries.MAX_CNAME_HOPS + 1);
    }

    @Test
    void cnameToAMissingNameIsNameNotFoundForTheTarget() throws Exception {
        ScriptedDnsServer server = server(q -> asks(q, "dangling.test", q.type())
                ? Reply.records(cname("dangling.test", "gone.test"))
                : Reply.rcode(Rcode.NXDOMAIN));

        MxResolution resolution = resolve("dangling.test", server);

        assertThat(resolution.status()).isEqualTo(DnsStatus.NameNotFound);
        assertThat(resolution.detail()).isEqualTo("NXDOMAIN for gone.test (CNAME target of dangling.test)");
    }

    @Test
    void equalPreferencesKeepTheirDnsOrder() throws Exception {
        ScriptedDnsServer server = server(q -> {
            if (asks(q, "ties.test", Type.MX)) {
                return Reply.records(mx("ties.test", 10, "b.ties.test"), mx("ties.test", 10, "a.ties.test"),
                        mx("ties.test", 5, "c.ties.test"), mx("ties.test", 20, "b.ties.test"));
            }
            return q.type() == Type.A ? Reply.records(a(q.name().toString(), "127.0.0.7")) : Reply.records();
        });

        MxResolution resolution = resolve("ties.test", server);

        assertThat(resolution.hosts()).extracting(MxHost::host).containsExactly("c.ties.test", "b.ties.test", "a.ties.test");
        assertThat(resolution.hosts()).extracting(MxHost::preference).containsExactly(5, 10, 10);
    }

    @Test
    void ipLiteralAsMxTargetIsNotUsedAsAnAddress() throws Exception {
        ScriptedDnsServer server = server(q -> asks(q, "literal.test", Type.MX)
                ? Reply.records(mx("literal.test", 10, "127.0.0.8"))
                : Reply.rcode(Rcode.NXDOMAIN));

        MxResolution resolution = resolve("literal.test", server);

        assertThat(resolution.hosts()).singleElement().satisfies(host -> {
            assertThat(host.host()).isEqualTo("127.0.0.8");
            assertThat(host.addresses()).isEmpty();
            assertThat(host.addressError()).isEqualTo(DnsStatus.NameNotFound);
        });
        assertThat(resolution.detail()).contains("is an IP address");
        assertThat(server.questions()).extracting(Question::type).containsExactly(Type.MX);
    }

    @Test
    void domainThatIsItsOwnMxIsAnExplicitHost() throws Exception {
        ScriptedDnsServer server = server(q -> {
            if (asks(q, "self.test", Type.MX)) {
                return Reply.records(mx("self.test", 10, "self.test"));
            }
            return q.type() == Type.A ? Reply.records(a("self.test", "127.0.0.9")) : Reply.records();
        });

        MxResolution resolution = resolve("self.test", server);

        assertThat(resolution.hosts()).singleElement().satisfies(host -> {
            assertThat(host.host()).isEqualTo("self.test");
            assertThat(host.implicit()).isFalse();
            assertThat(host.addresses()).containsExactly(ip("127.0.0.9"));
        });
    }

    @Test
    void failedAaaaLookupDoesNotHideIpv4Addresses() throws Exception {
        ScriptedDnsServer server = server(q -> {
            if (asks(q, "half.test", Type.MX)) {
                return Reply.records(mx("half.test", 10, "mx.half.test"));
            }
            return q.type() == Type.A ? Reply.records(a("mx.half.test", "127.0.0.4")) : Reply.rcode(Rcode.SERVFAIL);
        });

        MxResolution resolution = resolve("half.test", server);

        assertThat(resolution.hosts()).singleElement().satisfies(host -> {
            assertThat(host.addresses()).containsExactly(ip("127.0.0.4"));
            assertThat(host.addressError()).isNull();
        });
    }

    @Test
    void ipv4AddressesComeBeforeIpv6() throws Exception {
        ScriptedDnsServer server = server(q -> {
            if (asks(q, "dual.test", Type.MX)) {
                return Reply.records(mx("dual.test", 10, "mx.dual.test"));
            }
            return q.type() == Type.AAAA
                    ? Reply.records(new AAAARecord(name("mx.dual.test"), DClass.IN, 60, ip("::1")))
                    : Reply.records(a("mx.dual.test", "127.0.0.3"));
        });

        MxResolution resolution = resolve("dual.test", server);

        assertThat(resolution.hosts().get(0).addresses())
                .containsExactly(ip("127.0.0.3"), ip("::1"));
    }
}
