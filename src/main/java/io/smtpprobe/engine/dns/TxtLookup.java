package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import java.net.IDN;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * TXT lookups on the same resolvers, timeouts and CNAME handling as the MX lookups, for the
 * records that policies live in ({@code _mta-sts}, {@code _smtp._tls}). Non-blocking; failures are results.
 * Answers are reused for their TTL ({@link AnswerCache}) by every probe of the engine this belongs to.
 */
public final class TxtLookup {
    private final DnsQueries queries;
    private final AnswerCache cache = new AnswerCache();

    public TxtLookup(DnsSettings settings, Executor executor) {
        this.queries = new DnsQueries(ResolverEndpoints.resolve(settings.servers()), settings.queryTimeout(), executor);
    }

    public TxtLookup(DnsSettings settings) {
        this(settings, ForkJoinPool.commonPool());
    }

    /**
     * The TXT records at {@code name}, each record's strings joined as RFC 7208 §3.3 and RFC 8461 §3.1 say.
     *
     * @param status Ok with records, NoData or NameNotFound without, or why the lookup failed
     */
    public record Txt(DnsStatus status, List<String> records, String detail) {
        public Txt {
            records = List.copyOf(records);
        }
    }

    public CompletionStage<Txt> lookup(String name) {
        Name owner;
        try {
            owner = Name.fromString(IDN.toASCII(name, IDN.ALLOW_UNASSIGNED), Name.root);
        } catch (IllegalArgumentException | TextParseException e) {
            return CompletableFuture.completedFuture(new Txt(DnsStatus.NameNotFound, List.of(),
                    "invalid name '" + name + "': " + e.getMessage()));
        }
        return cache.lookup(owner, Type.TXT, () -> queries.lookup(owner, Type.TXT))
                .thenApply(answer -> new Txt(answer.status(), answer.records().stream()
                        .filter(TXTRecord.class::isInstance)
                        .map(r -> String.join("", ((TXTRecord) r).getStrings()))
                        .toList(), answer.detail()))
                .exceptionally(e -> new Txt(DnsStatus.ServerFailure, List.of(), "TXT lookup for " + name + " failed: " + e));
    }
}
