package io.smtpprobe.engine.sts;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Cidr;
import io.smtpprobe.core.TransportSecurity.ResultType;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.dns.DnsSettings;
import io.smtpprobe.engine.dns.DnsjavaMxResolver;
import io.smtpprobe.engine.dns.TxtLookup;
import io.smtpprobe.testsupport.ScriptedDnsServer;
import io.smtpprobe.testsupport.ScriptedDnsServer.Reply;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Discovery against a scripted DNS server whose TXT id the test changes, with a counting policy fetcher. */
@Tag("peers")
class StsDiscoveryPeersTest {
    private final AtomicReference<String> stsId = new AtomicReference<>("one");
    private final AtomicReference<String> policyHostAddress = new AtomicReference<>("127.0.0.9");
    private final AtomicInteger fetches = new AtomicInteger();
    /**
     * The {@code _mta-sts} record's TTL. 0 (dnsmasq's default) unless a test says otherwise: TXT answers
     * are reused for their TTL, so only then is a changed id seen by the very next discovery.
     */
    private volatile long stsTxtTtl = 0;
    private final AtomicReference<String> policy = new AtomicReference<>(
            "version: STSv1\nmode: enforce\nmx: *.fabrikam.test\nmax_age: 86400\n");
    private ScriptedDnsServer dns;

    @AfterEach
    void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    private StsDiscovery discovery(EgressPolicy egress) throws Exception {
        dns = ScriptedDnsServer.start(q -> {
            try {
                String name = q.name().toString(true);
                if (q.type() == Type.TXT && name.equals("_mta-sts.fabrikam.test")) {
                    return Reply.records(new TXTRecord(q.name(), DClass.IN, stsTxtTtl, List.of("v=STSv1; id=" + stsId.get())));
                }
                if (q.type() == Type.TXT && name.equals("_smtp._tls.fabrikam.test")) {
                    return Reply.records(new TXTRecord(q.name(), DClass.IN, 60, "v=TLSRPTv1; rua=mailto:tls@fabrikam.test"));
                }
                if (q.type() == Type.A && name.equals("mta-sts.fabrikam.test")) {
                    return Reply.records(new ARecord(q.name(), DClass.IN, 60, InetAddress.getByName(policyHostAddress.get())));
                }
                return q.name().subdomain(Name.fromString("fabrikam.test.")) ? Reply.records() : Reply.rcode(Rcode.NXDOMAIN);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        DnsSettings settings = DnsSettings.defaults().withServers(List.of(dns.endpoint())).withQueryTimeout(Duration.ofSeconds(2));
        StsDiscovery.Fetcher fetcher = (domain, address) -> {
            fetches.incrementAndGet();
            String body = policy.get();
            return CompletableFuture.completedFuture(body == null ? PolicyFetch.fetchError("refused") : PolicyFetch.ok(body));
        };
        return new StsDiscovery(new TxtLookup(settings), new DnsjavaMxResolver(settings), fetcher,
                new StsPolicyCache(100, Clock.systemUTC()), egress, 443);
    }

    private static StsFinding discover(StsDiscovery discovery) throws Exception {
        return discovery.discover("fabrikam.test").toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnchangedIdIsServedFromTheCacheAndANewIdFetchesAgain() throws Exception {
        StsDiscovery discovery = discovery(EgressPolicy.unrestricted());
        StsFinding first = discover(discovery);
        assertThat(first.policy().mode()).isEqualTo("enforce");
        assertThat(first.rua()).containsExactly("mailto:tls@fabrikam.test");
        discover(discovery);
        assertThat(fetches).hasValue(1);

        stsId.set("two");
        policy.set("version: STSv1\nmode: testing\nmx: *.fabrikam.test\nmax_age: 86400\n");
        StsFinding changed = discover(discovery);
        assertThat(fetches).hasValue(2);
        assertThat(changed.id()).isEqualTo("two");
        assertThat(changed.policy().mode()).isEqualTo("testing");
    }

    @Test
    void theTxtAnswerIsReusedForItsTtlSoAChangedIdIsSeenWhenItExpires() throws Exception {
        stsTxtTtl = 60;
        StsDiscovery discovery = discovery(EgressPolicy.unrestricted());
        assertThat(discover(discovery).id()).isEqualTo("one");
        long asked = dns.questions().stream().filter(q -> q.type() == Type.TXT).count();

        stsId.set("two");
        StsFinding again = discover(discovery);
        assertThat(again.id()).as("within the TTL, as from a caching resolver").isEqualTo("one");
        assertThat(again.rua()).containsExactly("mailto:tls@fabrikam.test");
        assertThat(dns.questions().stream().filter(q -> q.type() == Type.TXT).count()).isEqualTo(asked);
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aFailedFetchUsesTheUnexpiredCachedPolicyAsASenderWould() throws Exception {
        StsDiscovery discovery = discovery(EgressPolicy.unrestricted());
        discover(discovery);
        stsId.set("two");
        policy.set(null);
        StsFinding kept = discover(discovery);
        assertThat(kept.policy().mode()).isEqualTo("enforce");
        assertThat(kept.id()).isEqualTo("one");
    }

    @Test
    void aPolicyHostInADeniedNetworkIsNeverFetched() throws Exception {
        policyHostAddress.set("169.254.169.254");
        StsDiscovery discovery = discovery(new EgressPolicy(Set.of(25),
                EgressPolicy.ALWAYS_DENIED.stream().map(Cidr::parse).toList()));
        StsFinding finding = discover(discovery);
        assertThat(fetches).hasValue(0);
        assertThat(finding.failure()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(finding.detail()).contains("link-local 169.254.0.0/16 is denied by policy").doesNotContain("169.254.169.254 ");
    }
}
