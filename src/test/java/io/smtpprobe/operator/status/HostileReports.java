package io.smtpprobe.operator.status;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsInfo;
import io.smtpprobe.core.TranscriptLine;
import io.smtpprobe.engine.DefaultProbeRunner;
import io.smtpprobe.engine.dns.DnsSettings;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reports as large as the engine lets a hostile peer make them: every count at the engine's limit,
 * every name at its longest, every server text at the engine's cap and made of the characters that
 * take the most octets once stored ({@code &<>} are six each in the API server's JSON).
 */
public final class HostileReports {
    /** spec.domains' maxItems in the CRD. */
    public static final int MAX_DOMAINS = 100;
    static final int MX_HOSTS = DnsSettings.defaults().maxMxHosts();
    static final int SERVERS = DefaultProbeRunner.MAX_ATTEMPTS_PER_DOMAIN;
    static final int TEXT = Limits.DEFAULT.maxTextLength();
    static final int LINES = Limits.DEFAULT.maxLinesPerReply();
    /** Eleven digits of milliseconds per stage, far beyond any deadline, still a Duration a Timer records. */
    static final long LONGEST_MS = 99_999_999_999L;

    private HostileReports() {
    }

    /** @param accepted whether each domain's servers accepted (the deciding one last), else each failed in its own way */
    public static ProbeReport report(boolean accepted) {
        var domains = IntStream.range(0, MAX_DOMAINS).mapToObj(i -> domain(i, accepted)).toList();
        Outcome result = domains.stream().map(DomainResult::result).reduce(Outcome.Success, Outcome::worst);
        return new ProbeReport(result, domains.get(0).reason(), domains,
                IntStream.range(0, MAX_DOMAINS).mapToObj(i -> "domain label '" + junk(63) + "' mixes Latin and Cyrillic scripts").toList());
    }

    static DomainResult domain(int index, boolean accepted) {
        String domain = longestName("d" + index);
        var mx = IntStream.range(0, MX_HOSTS).mapToObj(i -> new MxHost(longestName("mx" + i + "." + index), i, false, List.of(), null))
                .toList();
        var servers = IntStream.range(0, SERVERS).mapToObj(i -> server(longestName("mx" + i + "." + index),
                accepted ? Reason.Accepted : (i % 2 == 0 ? Reason.Greylisted : Reason.RecipientUnknown))).toList();
        Reason reason = servers.get(SERVERS - 1).reason();
        Outcome outcome = servers.stream().map(ServerResult::outcome).reduce(Outcome.Success, Outcome::worst);
        return new DomainResult(domain, outcome, reason, junk(TEXT), mx, servers);
    }

    static ServerResult server(String host, Reason reason) {
        int code = reason == Reason.Accepted ? 250 : reason == Reason.Greylisted ? 451 : 550;
        var latency = new LinkedHashMap<Stage, Long>();
        Arrays.stream(Stage.values()).forEach(s -> latency.put(s, LONGEST_MS));
        var lines = IntStream.range(0, LINES).mapToObj(i -> junk(TEXT)).toList();
        var sans = IntStream.range(0, LINES).mapToObj(i -> longestName("san" + i)).toList();
        var certificate = new TlsInfo.Certificate(junk(TEXT), junk(TEXT), sans, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2099-12-31T23:59:59Z"), 26_662L, "ab".repeat(32));
        return ServerResult.builder().host(host).address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").port(65535).preference(65535)
                .stage(Stage.RcptTo).reply(Reply.of(code, lines)).reason(reason).extensions(lines).dsnSupported(true)
                .tls(new TlsInfo(junk(TEXT), junk(TEXT), certificate, false, false, junk(TEXT)))
                .detail(junk(TEXT)).latencyMs(latency)
                .transcript(lines.stream().map(l -> new TranscriptLine(TranscriptLine.Direction.Server, l)).toList())
                .build();
    }

    /** A 253-octet name (RFC 1035's longest), of 63-octet labels, starting with {@code tag} so that names differ. */
    static String longestName(String tag) {
        String label = (tag + "x".repeat(63)).substring(0, 63);
        return label + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "e".repeat(61);
    }

    /** Text of {@code length} characters, each six octets in the API server's JSON but the ideograph (three). */
    static String junk(int length) {
        return "&<>\u6f22".repeat(length / 4 + 1).substring(0, length);
    }
}
