package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.MxHost;
import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link MxResolver} on dnsjava's asynchronous resolver: no thread waits for DNS, replies are
 * handled on the given executor.
 *
 * <p>Domains may be given in Unicode; they are converted to A-labels (IDNA 2003 as implemented by
 * {@link IDN}) before the lookup, while {@link MxResolution#domain()} keeps the caller's spelling.
 * MX records are sorted by preference (stable, so ties keep DNS order), duplicates dropped, and
 * each host is resolved to A then AAAA records. When the domain exists but has no MX, its own
 * addresses become the implicit MX (RFC 5321 §5.1); a lone {@code MX 0 .} is a null MX (RFC 7505), and
 * one beside other MX records a misconfiguration ({@link DnsStatus#NullMxMixed}) that is not probed.
 */
public final class DnsjavaMxResolver implements MxResolver {
    private final DnsQueries queries;
    private final DnsSettings settings;

    public DnsjavaMxResolver(DnsSettings settings, Executor executor) {
        this.settings = settings;
        this.queries = new DnsQueries(ResolverEndpoints.resolve(settings.servers()), settings.queryTimeout(), executor);
    }

    /** Replies are handled on the common pool, which suits the short, non-blocking handlers. */
    public DnsjavaMxResolver(DnsSettings settings) {
        this(settings, ForkJoinPool.commonPool());
    }

    /** The servers queried, in order, as {@code ADDRESS:PORT}. */
    public List<String> servers() {
        return queries.serverLabels();
    }

    @Override
    public CompletionStage<MxResolution> resolve(String domain) {
        Name name;
        try {
            name = toName(domain);
        } catch (IllegalArgumentException | TextParseException e) {
            return CompletableFuture.completedFuture(new MxResolution(domain, DnsStatus.NameNotFound, List.of(),
                    "invalid domain name '" + domain + "': " + e.getMessage()));
        }
        return queries.lookup(name, Type.MX)
                .thenCompose(answer -> switch (answer.status()) {
                    case Ok -> explicitMx(domain, name, answer);
                    case NoData -> implicitMx(domain, name);
                    default -> CompletableFuture.completedFuture(
                            new MxResolution(domain, answer.status(), List.of(), answer.detail()));
                })
                .exceptionally(error -> new MxResolution(domain, DnsStatus.ServerFailure, List.of(),
                        "MX lookup for " + DnsQueries.text(name) + " failed: " + error));
    }

    @Override
    public CompletionStage<MxHost> resolveHost(String host, int preference) {
        Name name;
        try {
            name = toName(host);
        } catch (IllegalArgumentException | TextParseException e) {
            return CompletableFuture.completedFuture(new MxHost(host, preference, false, List.of(), DnsStatus.NameNotFound));
        }
        return resolveHost(name, preference, false).thenApply(HostLookup::host)
                .exceptionally(error -> new MxHost(host, preference, false, List.of(), DnsStatus.ServerFailure));
    }

    static Name toName(String domain) throws TextParseException {
        String trimmed = domain.strip();
        if (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return Name.fromString(IDN.toASCII(trimmed).toLowerCase(Locale.ROOT), Name.root);
    }

    private CompletableFuture<MxResolution> explicitMx(String domain, Name name, Answer answer) {
        List<MXRecord> records = answer.records().stream().map(MXRecord.class::cast).toList();
        List<MXRecord> usable = records.stream()
                .filter(mx -> !mx.getTarget().equals(Name.root))
                .sorted(Comparator.comparingInt(MXRecord::getPriority))
                .toList();
        if (usable.isEmpty()) {
            return CompletableFuture.completedFuture(new MxResolution(domain, DnsStatus.NullMx, List.of(),
                    "null MX for " + DnsQueries.text(name) + " (RFC 7505): the domain accepts no mail"));
        }
        if (usable.size() < records.size()) {
            // RFC 7505 §3: a domain that advertises a null MX must not advertise any other MX. Senders
            // differ (some refuse, some use the others), so the probe reports it instead of guessing.
            String others = usable.stream().map(mx -> mx.getPriority() + " " + DnsQueries.text(mx.getTarget()))
                    .distinct().collect(Collectors.joining(", "));
            return CompletableFuture.completedFuture(new MxResolution(domain, DnsStatus.NullMxMixed, List.of(),
                    "null MX for " + DnsQueries.text(name) + " beside other MX records (" + others
                            + "): RFC 7505 forbids mixing them"));
        }
        Map<Name, Integer> preferenceByHost = new LinkedHashMap<>();
        usable.forEach(mx -> preferenceByHost.putIfAbsent(mx.getTarget(), mx.getPriority()));
        List<CompletableFuture<HostLookup>> lookups = preferenceByHost.entrySet().stream()
                .limit(settings.maxMxHosts())
                .map(host -> resolveHost(host.getKey(), host.getValue(), false))
                .toList();
        int omitted = preferenceByHost.size() - lookups.size();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<HostLookup> hosts = lookups.stream().map(CompletableFuture::join).toList();
            return new MxResolution(domain, DnsStatus.Ok, hosts.stream().map(HostLookup::host).toList(),
                    explicitDetail(name, hosts, omitted));
        });
    }

    private static String explicitDetail(Name name, List<HostLookup> hosts, int omitted) {
        StringBuilder detail = new StringBuilder()
                .append(hosts.size()).append(hosts.size() == 1 ? " MX host" : " MX hosts")
                .append(" for ").append(DnsQueries.text(name));
        if (omitted > 0) {
            detail.append(" (").append(omitted).append(" more ignored)");
        }
        List<HostLookup> unresolved = hosts.stream().filter(h -> h.host().addressError() != null).toList();
        if (!unresolved.isEmpty()) {
            detail.append(", ").append(unresolved.size()).append(" without address: ").append(unresolved.get(0).detail());
        }
        return detail.toString();
    }

    private CompletableFuture<MxResolution> implicitMx(String domain, Name name) {
        return resolveHost(name, 0, true).thenApply(lookup -> {
            MxHost host = lookup.host();
            if (host.addressError() == null) {
                return new MxResolution(domain, DnsStatus.Ok, List.of(host),
                        "no MX for " + DnsQueries.text(name) + ", implicit MX to its own address");
            }
            if (host.addressError() == DnsStatus.NoData) {
                return new MxResolution(domain, DnsStatus.NoData, List.of(),
                        "no MX and no A/AAAA for " + DnsQueries.text(name));
            }
            return new MxResolution(domain, host.addressError(), List.of(), lookup.detail());
        });
    }

    /** A host and, when it has no address, why. */
    private record HostLookup(MxHost host, String detail) {
    }

    private CompletableFuture<HostLookup> resolveHost(Name target, int preference, boolean implicit) {
        String host = DnsQueries.text(target);
        if (isIpLiteral(host)) {
            // RFC 5321 §5.1 wants a name here and MTAs refuse to use the address, so neither do we.
            return CompletableFuture.completedFuture(new HostLookup(
                    new MxHost(host, preference, implicit, List.of(), DnsStatus.NameNotFound),
                    "MX target " + host + " is an IP address, not a host name"));
        }
        CompletableFuture<Answer> ipv4 = queries.lookup(target, Type.A);
        CompletableFuture<Answer> ipv6 = queries.lookup(target, Type.AAAA);
        return ipv4.thenCombine(ipv6, (a, aaaa) -> {
            List<InetAddress> addresses = new ArrayList<>();
            a.records().forEach(r -> addresses.add(((ARecord) r).getAddress()));
            aaaa.records().forEach(r -> addresses.add(((AAAARecord) r).getAddress()));
            List<InetAddress> kept = addresses.stream().distinct().limit(settings.maxAddressesPerHost()).toList();
            if (!kept.isEmpty()) {
                return new HostLookup(new MxHost(host, preference, implicit, kept, null), "");
            }
            Answer worst = severity(a) >= severity(aaaa) ? a : aaaa;
            String detail = worst.status() == DnsStatus.NoData ? "no A/AAAA for " + host : worst.detail();
            return new HostLookup(new MxHost(host, preference, implicit, List.of(), worst.status()), detail);
        });
    }

    /** Which of two failed address lookups explains best why a host has no address. */
    private static int severity(Answer answer) {
        return switch (answer.status()) {
            case NameNotFound -> 4;
            case ServerFailure -> 3;
            case Timeout -> 2;
            case NoData -> 1;
            default -> 0;
        };
    }

    private static boolean isIpLiteral(String host) {
        try {
            Address.getByAddress(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
