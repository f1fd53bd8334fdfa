package io.smtpprobe.engine.dane;

import io.smtpprobe.core.DaneOutcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * The DNS half of RFC 7672: the TLSA records at {@code _<port>._tcp.<host>}, validated with DNSSEC
 * from the configured trust anchors (dnsjava's {@link ValidatingResolver}, which asks the same
 * resolvers for the DNSKEY and DS records it needs and keeps them in its key cache), and, when
 * there are secure TLSA records, the security of the host's own address records (§2.2.2).
 * Asynchronous: nothing here blocks the caller's thread.
 */
public final class TlsaLookup {

    private final ValidatingResolver resolver;
    private final DaneSettings settings;
    private final Executor executor;

    public TlsaLookup(DaneSettings settings) {
        this(settings, ForkJoinPool.commonPool());
    }

    TlsaLookup(DaneSettings settings, Executor executor) {
        this.settings = settings;
        this.executor = executor;
        this.resolver = new ValidatingResolver(headResolver(settings), settings.clock());
        resolver.setTimeout(settings.timeout());
        try {
            resolver.loadTrustAnchors(new ByteArrayInputStream(settings.trustAnchors().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable DNSSEC trust anchors", e);
        }
        if (resolver.getTrustAnchors().items().isEmpty()) {
            throw new IllegalArgumentException("no DNSSEC trust anchor in: " + settings.trustAnchors().strip());
        }
    }

    /**
     * What DNS says about DANE for this host and port; always completes, within the settings' timeout.
     *
     * @param dialled the address connected to: its record type (A or AAAA) must be secure too
     */
    public CompletionStage<TlsaFindings> lookup(String host, InetAddress dialled, int port) {
        Name base;
        Name tlsaName;
        try {
            base = Name.fromString(host.endsWith(".") ? host : host + ".");
            tlsaName = Name.fromString("_" + port + "._tcp", base);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(TlsaFindings.concluded(new DaneOutcome(
                    DaneOutcome.Status.LOOKUP_FAILED, List.of(), "not a DNS name: " + e.getMessage())));
        }
        int addressType = dialled instanceof Inet6Address ? Type.AAAA : Type.A;
        return query(tlsaName, Type.TLSA)
                .thenCompose(tlsa -> tlsa.securelyFound()
                        ? query(base, addressType).thenApply(address -> TlsaFindings.of(tlsaName, tlsa, base, address))
                        : CompletableFuture.completedFuture(TlsaFindings.of(tlsaName, tlsa, base, null)))
                .toCompletableFuture()
                .completeOnTimeout(TlsaFindings.concluded(new DaneOutcome(DaneOutcome.Status.LOOKUP_FAILED, List.of(),
                        "no validated answer for " + tlsaName.toString(true) + " TLSA within "
                                + settings.timeout().toMillis() + " ms")),
                        settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> TlsaFindings.concluded(new DaneOutcome(DaneOutcome.Status.LOOKUP_FAILED,
                        List.of(), "TLSA lookup for " + tlsaName.toString(true) + " failed: " + error)));
    }

    private CompletableFuture<ValidatedAnswer> query(Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return resolver.sendAsync(query, executor).toCompletableFuture()
                .handle((reply, error) -> notAnchored(ValidatedAnswer.of(name, type, reply, error)));
    }

    /**
     * The validator calls it bogus when it cannot get the trust anchor's own DNSKEY records, but
     * then nothing was checked at all: the resolver does not serve DNSSEC (or refuses the anchor's
     * zone). That is a failed lookup, not a forged answer. (dnsjava says so only in its message.)
     */
    private ValidatedAnswer notAnchored(ValidatedAnswer answer) {
        if (answer.state() != ValidatedAnswer.State.BOGUS || answer.detail() == null) {
            return answer;
        }
        for (var anchor : resolver.getTrustAnchors().items()) {
            String missing = "Missing DNSKEY RRset in response to DNSKEY query for " + anchor.getName() + ".";
            if (answer.detail().contains(missing)) {
                return new ValidatedAnswer(ValidatedAnswer.State.FAILED, List.of(),
                        "the resolver gave no DNSKEY records for the trust anchor " + anchor.getName()
                                + ": it does not pass DNSSEC on, nothing could be validated");
            }
        }
        return answer;
    }

    private static Resolver headResolver(DaneSettings settings) {
        List<InetSocketAddress> servers = settings.servers().isEmpty()
                ? ResolverConfig.getCurrentConfig().servers()
                : settings.servers();
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS resolver configured for DANE lookups");
        }
        List<Resolver> resolvers = servers.stream().map(address -> {
            SimpleResolver simple = new SimpleResolver(address);
            simple.setTimeout(settings.timeout());
            return (Resolver) simple;
        }).toList();
        if (resolvers.size() == 1) {
            return resolvers.get(0);
        }
        ExtendedResolver extended = new ExtendedResolver(resolvers);
        extended.setLoadBalance(false);
        extended.setTimeout(settings.timeout());
        return extended;
    }

    static List<Tlsa> tlsaRecords(ValidatedAnswer answer) {
        return answer.records().stream()
                .filter(TLSARecord.class::isInstance)
                .map(record -> Tlsa.of((TLSARecord) record))
                .toList();
    }
}
