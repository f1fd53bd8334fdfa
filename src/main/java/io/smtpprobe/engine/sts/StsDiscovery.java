package io.smtpprobe.engine.sts;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.dns.MxResolver;
import io.smtpprobe.engine.dns.TxtLookup;
import java.net.IDN;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A sending MTA's view of one domain's MTA-STS and TLS-RPT (RFC 8461 §3, §5.1; RFC 8460 §3): both TXT
 * records, then the policy from the cache when its id is unchanged, else fetched from the policy
 * host at an address the egress policy allows. A fetch that fails while an unexpired policy is
 * cached uses that policy, as a sender would.
 */
public final class StsDiscovery {
    /** The HTTPS fetch, apart so discovery can be tested without a policy server. */
    @FunctionalInterface
    public interface Fetcher {
        CompletionStage<PolicyFetch> fetch(String asciiDomain, InetAddress address);
    }

    private final TxtLookup txt;
    private final MxResolver hosts;
    private final Fetcher fetcher;
    private final StsPolicyCache cache;
    /** Only the networks count for the policy host; its port is HTTPS, not one of the SMTP ports. */
    private final EgressPolicy egress;
    private final int httpsPort;

    public StsDiscovery(TxtLookup txt, MxResolver hosts, Fetcher fetcher, StsPolicyCache cache, EgressPolicy egress,
                        int httpsPort) {
        this.txt = txt;
        this.hosts = hosts;
        this.fetcher = fetcher;
        this.cache = cache;
        this.egress = new EgressPolicy(Set.of(), egress.deniedNetworks(), egress.allowedNetworks());
        this.httpsPort = httpsPort;
    }

    public CompletionStage<StsFinding> discover(String domain) {
        String ascii;
        try {
            ascii = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(StsFinding.none(List.of()));
        }
        CompletableFuture<List<String>> rua = txt.lookup("_smtp._tls." + ascii).toCompletableFuture()
                .thenApply(t -> t.status() == DnsStatus.Ok ? PolicyRecords.tlsRptRua(t.records()) : List.<String>of());
        CompletableFuture<StsFinding> sts = txt.lookup("_mta-sts." + ascii).toCompletableFuture().thenCompose(t -> {
            if (t.status() != DnsStatus.Ok) {
                // no record, or DNS failed: a sender goes on as without a policy
                return CompletableFuture.completedFuture(StsFinding.none(List.of()));
            }
            PolicyRecords.StsTxt record = PolicyRecords.sts(t.records());
            if (!record.present()) {
                return CompletableFuture.completedFuture(StsFinding.none(List.of()));
            }
            if (record.error() != null) {
                return CompletableFuture.completedFuture(StsFinding.invalid(null,
                        "_mta-sts." + ascii + ": " + record.error(), List.of()));
            }
            StsPolicy cached = cache.current(ascii, record.id());
            if (cached != null) {
                return CompletableFuture.completedFuture(StsFinding.policy(record.id(), cached, List.of()));
            }
            return fetchAndParse(ascii, record.id());
        });
        return sts.thenCombine(rua, (finding, targets) -> new StsFinding(finding.id(), finding.policy(), finding.failure(),
                finding.reason(), finding.detail(), targets));
    }

    private CompletableFuture<StsFinding> fetchAndParse(String ascii, String id) {
        String host = "mta-sts." + ascii;
        return hosts.resolveHost(host, 0).toCompletableFuture().thenCompose(resolved -> {
            Optional<InetAddress> address = allowed(resolved);
            if (address.isEmpty()) {
                return CompletableFuture.completedFuture(PolicyFetch.fetchError(resolved.addresses().isEmpty()
                        ? host + " has no address (" + resolved.addressError() + ")"
                        : host + ": " + egress.violation(resolved.addresses().get(0), httpsPort).orElse("denied")));
            }
            return fetcher.fetch(ascii, address.get()).toCompletableFuture();
        }).thenApply(fetch -> {
            if (!fetch.succeeded()) {
                StsPolicyCache.Cached kept = cache.unexpired(ascii);
                return kept != null ? StsFinding.policy(kept.id(), kept.policy(), List.of())
                        : StsFinding.fetchFailed(id, fetch, List.of());
            }
            StsPolicyParser.Parsed parsed = StsPolicyParser.parse(fetch.body());
            if (parsed.policy() == null) {
                return StsFinding.invalid(id, "https://" + host + StsPolicyFetcher.PATH + ": " + parsed.error(), List.of());
            }
            cache.put(ascii, id, parsed.policy());
            return StsFinding.policy(id, parsed.policy(), List.of());
        });
    }

    private Optional<InetAddress> allowed(MxHost resolved) {
        return resolved.addresses().stream().filter(a -> egress.violation(a, httpsPort).isEmpty()).findFirst();
    }
}
