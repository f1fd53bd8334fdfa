package io.smtpprobe.operator.status;

import io.smtpprobe.api.v1alpha1.DomainStatus;
import io.smtpprobe.api.v1alpha1.ServerStatus;
import io.smtpprobe.api.v1alpha1.TransportSecurityStatus;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.SecurityExtensions;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.TlsInfo;
import io.smtpprobe.core.TransportSecurity;
import io.smtpprobe.operator.mapping.CrdEnums;
import io.smtpprobe.report.Findings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Probe results as stored in {@code .status.domains}. An object in etcd is limited to about
 * 1.5 MiB and every write of it is sent to all watchers, so lists are capped, texts truncated
 * and transcripts left out (the REST API serves those from memory).
 */
public final class DomainStatuses {
    public static final int MAX_MX = 10;
    public static final int MAX_SERVERS = 10;
    public static final int MAX_EXTENSIONS = 30;
    public static final int MAX_NAMES = 10;
    public static final int MAX_TEXT = 256;
    /** A hostile domain names many MX hosts and rua targets; a hundred domains' blocks must stay small. */
    public static final int MAX_FAILING_MX = 5;
    public static final int MAX_RUA = 2;

    private DomainStatuses() {
    }

    public static List<DomainStatus> of(List<DomainResult> results) {
        return of(results, Expectation.NONE);
    }

    public static List<DomainStatus> of(List<DomainResult> results, Expectation expectation) {
        return results.stream().map(r -> of(r, expectation)).toList();
    }

    public static DomainStatus of(DomainResult result) {
        return of(result, Expectation.NONE);
    }

    /** Expected and actual side by side, only where the spec states an expectation: other statuses stay as they were. */
    public static DomainStatus of(DomainResult result, Expectation expectation) {
        Expectation.Match match = expectation.isSet() ? expectation.match(result) : null;
        return new DomainStatus(
                text(result.domain()),
                CrdEnums.toApi(result.result()),
                result.reason() == null ? null : result.reason().name(),
                text(Findings.domain(result)),
                result.mx().stream().limit(MAX_MX).map(DomainStatuses::mx).toList(),
                result.servers().stream().limit(MAX_SERVERS).map(DomainStatuses::server).toList(),
                match == null ? null : text(match.expected()),
                match == null ? null : text(match.actual()),
                match == null ? null : match.met(),
                transportSecurity(result.transportSecurity()));
    }

    private static TransportSecurityStatus transportSecurity(TransportSecurity t) {
        if (t == null) {
            return null;
        }
        return new TransportSecurityStatus(t.policyType().wireName(), t.mode(), text(t.policyId()), t.result().wireName(),
                t.failingMx().stream().limit(MAX_FAILING_MX).map(DomainStatuses::text).toList(),
                t.rua().stream().limit(MAX_RUA).map(DomainStatuses::text).toList(),
                t.reason() == null ? null : t.reason().name(), text(Findings.transportSecurity(t)), t.enforced());
    }

    private static DomainStatus.MxStatus mx(MxHost host) {
        return new DomainStatus.MxStatus(text(host.host()), host.preference());
    }

    static ServerStatus server(ServerResult s) {
        Map<String, Long> latency = null;
        if (s.latencyMs() != null && !s.latencyMs().isEmpty()) {
            latency = new LinkedHashMap<>();
            for (var e : s.latencyMs().entrySet()) {
                latency.put(CrdEnums.toApi(e.getKey()).name(), e.getValue());
            }
        }
        return new ServerStatus(
                text(s.host()),
                text(s.address()),
                s.port(),
                s.preference(),
                CrdEnums.toApi(s.stage()),
                reply(s.reply()),
                s.reason() == null ? null : s.reason().name(),
                s.extensions() == null ? null
                        : SecurityExtensions.keepFirst(s.extensions(), MAX_EXTENSIONS).stream().map(DomainStatuses::text).toList(),
                tls(s.tls()),
                latency);
    }

    private static ServerStatus.ReplyStatus reply(Reply reply) {
        if (reply == null) {
            return null;
        }
        return new ServerStatus.ReplyStatus(reply.code(), reply.enhancedCode(), CrdEnums.toApi(reply.replyClass()), text(reply.text()));
    }

    private static ServerStatus.TlsStatus tls(TlsInfo tls) {
        if (tls == null) {
            return null;
        }
        ServerStatus.CertificateStatus certificate = null;
        var c = tls.certificate();
        if (c != null) {
            certificate = new ServerStatus.CertificateStatus(text(c.subject()), text(c.issuer()),
                    c.subjectAltNames() == null ? null : c.subjectAltNames().stream().limit(MAX_NAMES).map(DomainStatuses::text).toList(),
                    Timestamps.format(c.notBefore()), Timestamps.format(c.notAfter()), c.daysRemaining(),
                    text(c.sha256Fingerprint()));
        }
        return new ServerStatus.TlsStatus(text(tls.protocol()), text(tls.cipher()), certificate, tls.trusted(), tls.hostnameMatch());
    }

    /** Server-provided text is sanitised by the engine already; this is the storage cap and a second guard. */
    public static String text(String value) {
        return ServerText.guard(value, MAX_TEXT);
    }
}
