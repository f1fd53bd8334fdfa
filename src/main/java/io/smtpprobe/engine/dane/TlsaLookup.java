package io.smtpprobe.engine.dane;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.DaneOutcome.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 *
 * <p>Nothing here runs on the caller's thread: the validator is built at the first lookup (its
 * crypto set-up is a noticeable share of a one-shot {@code check} that may never need it), and
 * every lookup starts on the executor.
 */
public final class TlsaLookup {

    /** After a failed trust-anchor check, how long lookups fail without asking again. */
    private static final Duration ANCHOR_RETRY = Duration.ofSeconds(30);

    private final DaneSettings settings;
    private final Executor executor;
    private volatile ValidatingResolver resolver;
    private volatile Name anchor;
    /** The anchor's own DNSKEY, validated: proof that the resolvers pass DNSSEC on at all. */
    private CompletableFuture<ValidatedAnswer> anchorCheck;
    private Instant anchorCheckedAt = Instant.MIN;
    /**
     * The last anchor check, when it failed: until it is due again every lookup fails at once, on the
     * caller's thread, with no executor hop and no timer (a resolver that strips DNSSEC, as most
     * forwarders in a test set-up do, would otherwise cost each probe both for the same answer).
     */
    private volatile AnchorFailure anchorFailure;

    private record AnchorFailure(ValidatedAnswer answer, Instant checkedAt) {
    }

    public TlsaLookup(DaneSettings settings) {
        this(settings, ForkJoinPool.commonPool());
    }

    TlsaLookup(DaneSettings settings, Executor executor) {
        this.settings = settings;
        this.executor = executor;
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
            return CompletableFuture.completedFuture(failed("not a DNS name: " + e.getMessage()));
        }
        int addressType = dialled instanceof Inet6Address ? Type.AAAA : Type.A;
        AnchorFailure known = anchorFailure;
        if (known != null && !settings.clock().instant().isAfter(known.checkedAt().plus(ANCHOR_RETRY))) {
            return CompletableFuture.completedFuture(anchorUnvalidated(known.answer()));
        }
        return CompletableFuture.supplyAsync(this::anchorChecked, executor)
                .thenCompose(checked -> checked)
                .thenCompose(anchorKeys -> {
                    if (anchorKeys.state() != ValidatedAnswer.State.SECURE) {
                        return CompletableFuture.completedFuture(anchorUnvalidated(anchorKeys));
                    }
                    // both at once: the address records are needed anyway when there are TLSA records, and
                    // they tell whether the host is a CNAME whose target has TLSA records of its own
                    CompletableFuture<ValidatedAnswer> atHost = query(tlsaName, Type.TLSA);
                    return query(base, addressType).thenCompose(address -> {
                        Name expanded = secureCnameTarget(base, address);
                        Name expandedTlsa = expanded == null ? null : tlsaName(port, expanded);
                        if (expandedTlsa == null) {
                            return atHost.thenApply(tlsa -> TlsaFindings.of(tlsaName, tlsa, base, address, addressType));
                        }
                        // RFC 7672 §2.2.3: the secure CNAME chain's target is asked first, the MX name after
                        return query(expandedTlsa, Type.TLSA).thenCompose(tlsa -> tlsa.securelyFound()
                                || tlsa.state() == ValidatedAnswer.State.BOGUS
                                ? CompletableFuture.completedFuture(TlsaFindings.of(expandedTlsa, tlsa, base, address, addressType))
                                : atHost.thenApply(own -> TlsaFindings.of(tlsaName, own, base, address, addressType)));
                    });
                })
                .completeOnTimeout(failed("no validated answer for " + tlsaName.toString(true) + " TLSA within "
                        + settings.timeout().toMillis() + " ms"), settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> failed("TLSA lookup for " + tlsaName.toString(true) + " failed: "
                        + (error.getCause() != null ? error.getCause() : error)));
    }

    private static Name tlsaName(int port, Name host) {
        try {
            return Name.fromString("_" + port + "._tcp", host);
        } catch (TextParseException e) {
            // too long with the two labels added: no TLSA can be there
            return null;
        }
    }

    /**
     * Where a secure CNAME chain for the host ends (the owner of its address records), or null when
     * the host has no CNAME, or the chain is not secure: then only the host's own name counts.
     */
    static Name secureCnameTarget(Name host, ValidatedAnswer address) {
        if (address.state() != ValidatedAnswer.State.SECURE || address.records().isEmpty()) {
            return null;
        }
        Name owner = address.records().get(0).getName();
        return owner.equals(host) ? null : owner;
    }

    private TlsaFindings anchorUnvalidated(ValidatedAnswer anchorKeys) {
        return failed("no validated DNSKEY records for the trust anchor " + anchor
                + ": the resolver does not pass DNSSEC on, nothing can be validated ("
                + (anchorKeys.detail() == null ? "unsigned answer" : anchorKeys.detail()) + ")");
    }

    private static TlsaFindings failed(String detail) {
        return TlsaFindings.concluded(new DaneOutcome(Status.LOOKUP_FAILED, List.of(), detail));
    }

    /**
     * A resolver that strips DNSSEC makes every answer under the anchor look bogus; asking once for
     * the anchor's keys tells that apart from a forged answer. Kept while it holds; a failure is
     * asked again after {@link #ANCHOR_RETRY}.
     */
    private synchronized CompletableFuture<ValidatedAnswer> anchorChecked() {
        ValidatingResolver validator = resolver();
        Instant now = settings.clock().instant();
        boolean failedLongAgo = anchorCheck != null && anchorCheck.isDone()
                && anchorCheck.join().state() != ValidatedAnswer.State.SECURE
                && now.isAfter(anchorCheckedAt.plus(ANCHOR_RETRY));
        if (anchorCheck == null || failedLongAgo) {
            anchorCheckedAt = now;
            Message query = Message.newQuery(Record.newRecord(anchor, Type.DNSKEY, DClass.IN));
            anchorCheck = validator.sendAsync(query, executor).toCompletableFuture()
                    .handle((reply, error) -> ValidatedAnswer.of(anchor, Type.DNSKEY, reply, error))
                    .thenApply(answer -> {
                        anchorFailure = answer.state() == ValidatedAnswer.State.SECURE ? null : new AnchorFailure(answer, now);
                        return answer;
                    });
        }
        return anchorCheck;
    }

    private CompletableFuture<ValidatedAnswer> query(Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return resolver().sendAsync(query, executor).toCompletableFuture()
                .handle((reply, error) -> ValidatedAnswer.of(name, type, reply, error));
    }

    private ValidatingResolver resolver() {
        ValidatingResolver built = resolver;
        return built != null ? built : buildResolver();
    }

    private synchronized ValidatingResolver buildResolver() {
        if (resolver == null) {
            ValidatingResolver validator = new ValidatingResolver(headResolver(settings), settings.clock());
            validator.setTimeout(settings.timeout());
            try {
                validator.loadTrustAnchors(new ByteArrayInputStream(settings.trustAnchors().getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable DNSSEC trust anchors", e);
            }
            var anchors = validator.getTrustAnchors().items();
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("no DNSSEC trust anchor in: " + settings.trustAnchors().strip());
            }
            anchor = anchors.iterator().next().getName();
            resolver = validator;
        }
        return resolver;
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
