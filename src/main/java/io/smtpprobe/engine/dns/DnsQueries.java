package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Asks recursive resolvers for one record type and follows CNAMEs. dnsjava's SimpleResolver
 * sends over UDP and repeats a truncated answer's query over TCP by itself; this class adds
 * failover between servers and the classification a mail admin needs (NXDOMAIN vs NODATA vs a
 * broken server vs silence).
 */
final class DnsQueries {
    /** Longer chains are misconfiguration (and RFC 1034 resolvers also give up early). */
    static final int MAX_CNAME_HOPS = 8;

    private final List<Server> servers;
    private final Executor executor;
    private final Duration queryTimeout;

    private record Server(InetSocketAddress address, SimpleResolver resolver) {
        String label() {
            String host = address.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
        }
    }

    /** One server's reply, or why there was none usable. */
    private record Sent(Message message, DnsStatus failure, String detail) {
    }

    DnsQueries(List<InetSocketAddress> addresses, Duration queryTimeout, Executor executor) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no DNS resolver configured");
        }
        this.servers = addresses.stream().map(address -> {
            SimpleResolver resolver = new SimpleResolver(address);
            resolver.setTimeout(queryTimeout);
            return new Server(address, resolver);
        }).toList();
        this.executor = executor;
        this.queryTimeout = queryTimeout;
    }

    List<String> serverLabels() {
        return servers.stream().map(Server::label).toList();
    }

    CompletableFuture<Answer> lookup(Name name, int type) {
        Set<Name> seen = new HashSet<>();
        seen.add(name);
        return chase(name, type, name, seen, Long.MAX_VALUE);
    }

    /** @param ttl the smallest TTL of the CNAMEs followed so far: the answer is only as fresh as its chain */
    private CompletableFuture<Answer> chase(Name origin, int type, Name current, Set<Name> seen, long ttl) {
        Message query = Message.newQuery(Record.newRecord(current, type, DClass.IN));
        return send(query, 0, null).thenCompose(sent -> {
            if (sent.failure() != null) {
                return CompletableFuture.completedFuture(Answer.failed(sent.failure(), sent.detail()));
            }
            Message reply = sent.message();
            Name cursor = current;
            long chainTtl = ttl;
            while (true) {
                List<Record> matching = recordsAt(reply, cursor, type);
                if (!matching.isEmpty()) {
                    return CompletableFuture.completedFuture(Answer.found(matching, Math.min(chainTtl, minTtl(matching))));
                }
                Optional<CNAMERecord> alias = cnameAt(reply, cursor);
                if (alias.isEmpty()) {
                    break;
                }
                chainTtl = Math.min(chainTtl, alias.get().getTTL());
                cursor = alias.get().getTarget();
                if (!seen.add(cursor)) {
                    return failed(DnsStatus.ServerFailure, "CNAME loop at " + text(cursor) + " resolving " + text(origin));
                }
                if (seen.size() > MAX_CNAME_HOPS + 1) {
                    return failed(DnsStatus.ServerFailure,
                            "CNAME chain from " + text(origin) + " longer than " + MAX_CNAME_HOPS);
                }
            }
            String via = cursor.equals(origin) ? "" : " (CNAME target of " + text(origin) + ")";
            if (reply.getRcode() == Rcode.NXDOMAIN) {
                return negative(DnsStatus.NameNotFound, "NXDOMAIN for " + text(cursor) + via, Math.min(chainTtl, negativeTtl(reply)));
            }
            if (cursor.equals(current)) {
                return negative(DnsStatus.NoData, "no " + Type.string(type) + " records for " + text(cursor) + via,
                        Math.min(chainTtl, negativeTtl(reply)));
            }
            // The server stopped at a CNAME whose target it did not include: ask for the target.
            return chase(origin, type, cursor, seen, chainTtl);
        });
    }

    private CompletableFuture<Sent> send(Message query, int index, Sent lastFailure) {
        if (index >= servers.size()) {
            return CompletableFuture.completedFuture(lastFailure);
        }
        Server server = servers.get(index);
        // dnsjava checks its timeouts only once a second, so the deadline is kept here. It spans
        // the UDP try and a TCP retry after truncation: the time one server has to answer.
        return server.resolver().sendAsync(query, executor).toCompletableFuture()
                .orTimeout(queryTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((reply, error) -> classify(query, server, reply, error), executor)
                .thenCompose(sent -> sent.failure() == null
                        ? CompletableFuture.completedFuture(sent)
                        : send(query, index + 1, sent));
    }

    private static Sent classify(Message query, Server server, Message reply, Throwable error) {
        String question = text(query.getQuestion().getName()) + " " + Type.string(query.getQuestion().getType());
        if (error != null) {
            Throwable cause = unwrap(error);
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
                return new Sent(null, DnsStatus.Timeout, "no answer for " + question + " from " + server.label());
            }
            if (cause instanceof IOException && !(cause instanceof org.xbill.DNS.WireParseException)) {
                // Unreachable or reset: like silence, the server gave no answer at all.
                return new Sent(null, DnsStatus.Timeout,
                        "no answer for " + question + " from " + server.label() + ": " + cause.getMessage());
            }
            return new Sent(null, DnsStatus.ServerFailure,
                    "unusable answer for " + question + " from " + server.label() + ": " + cause);
        }
        int rcode = reply.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            return new Sent(reply, null, "");
        }
        return new Sent(null, DnsStatus.ServerFailure,
                Rcode.string(rcode) + " for " + question + " from " + server.label());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static List<Record> recordsAt(Message reply, Name owner, int type) {
        return reply.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == type && r.getName().equals(owner))
                .toList();
    }

    private static Optional<CNAMERecord> cnameAt(Message reply, Name owner) {
        return reply.getSection(Section.ANSWER).stream()
                .filter(r -> r instanceof CNAMERecord && r.getName().equals(owner))
                .map(CNAMERecord.class::cast)
                .findFirst();
    }

    static long minTtl(List<Record> records) {
        return records.stream().mapToLong(Record::getTTL).min().orElse(0);
    }

    /**
     * RFC 2308 §5: a negative answer may be reused for the smaller of its SOA record's TTL and the
     * SOA's MINIMUM field; one without an SOA in the authority section must not be reused at all.
     */
    static long negativeTtl(Message reply) {
        return reply.getSection(Section.AUTHORITY).stream()
                .filter(SOARecord.class::isInstance)
                .mapToLong(r -> Math.min(r.getTTL(), ((SOARecord) r).getMinimum()))
                .min().orElse(0);
    }

    private static CompletableFuture<Answer> failed(DnsStatus status, String detail) {
        return CompletableFuture.completedFuture(Answer.failed(status, detail));
    }

    private static CompletableFuture<Answer> negative(DnsStatus status, String detail, long ttl) {
        return CompletableFuture.completedFuture(Answer.negative(status, detail, ttl));
    }

    static String text(Name name) {
        return name.toString(true);
    }
}
