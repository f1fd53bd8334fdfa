package io.smtpprobe.report;

import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.TransportSecurity;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.SecurityExtensions;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.TlsInfo;
import io.smtpprobe.core.TranscriptLine;

/**
 * The JSON contract of {@code check --json} and the REST API. Built field by field rather than by
 * reflection so that renaming a Java member can never silently change what other tools parse.
 */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportJson() {
    }

    public static ObjectNode report(ProbeReport report, boolean withTranscripts) {
        return report(report, Expectation.NONE, withTranscripts);
    }

    /**
     * With an expectation, the document states it ({@code expect}), whether every domain met it
     * ({@code expectationMet}), and per domain {@code expected} beside {@code actual}; without one
     * it is exactly the plain report.
     */
    public static ObjectNode report(ProbeReport report, Expectation expectation, boolean withTranscripts) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("result", report.result().name());
        root.put("reason", report.reason().name());
        root.put("explanation", report.reason().explanation());
        if (expectation.isSet()) {
            root.set("expect", expect(expectation));
            root.put("expectationMet", expectation.metBy(report));
        }
        if (report.truncated()) {
            // some transcript was cut to the report's budget; verdicts and replies are whole
            root.put("truncated", true);
        }
        if (!report.warnings().isEmpty()) {
            ArrayNode warnings = root.putArray("warnings");
            report.warnings().forEach(warnings::add);
        }
        ArrayNode domains = root.putArray("domains");
        for (DomainResult d : report.domains()) {
            ObjectNode domain = domain(d, withTranscripts);
            if (expectation.isSet()) {
                Expectation.Match match = expectation.match(d);
                domain.put("expected", match.expected());
                domain.put("actual", match.actual());
                domain.put("expectationMet", match.met());
            }
            domains.add(domain);
        }
        return root;
    }

    private static ObjectNode expect(Expectation expectation) {
        ObjectNode node = MAPPER.createObjectNode();
        ArrayNode reasons = node.putArray("reasons");
        expectation.sortedReasons().forEach(r -> reasons.add(r.name()));
        if (expectation.code() != null) {
            node.put("code", expectation.code());
        }
        if (expectation.enhancedCode() != null) {
            node.put("enhancedCode", expectation.enhancedCode());
        }
        return node;
    }

    public static ObjectNode domain(DomainResult d, boolean withTranscripts) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("domain", d.domain());
        node.put("result", d.result().name());
        node.put("reason", d.reason().name());
        node.put("message", Findings.domain(d));
        if (d.notFinished()) {
            node.put("finished", false);
        }
        ArrayNode mx = node.putArray("mx");
        for (MxHost h : d.mx()) {
            ObjectNode m = mx.addObject();
            m.put("host", h.host());
            m.put("preference", h.preference());
            if (h.implicit()) {
                m.put("implicit", true);
            }
            ArrayNode addresses = m.putArray("addresses");
            h.addresses().forEach(a -> addresses.add(a.getHostAddress()));
        }
        ArrayNode servers = node.putArray("servers");
        for (ServerResult s : d.servers()) {
            servers.add(server(s, withTranscripts));
        }
        if (d.transportSecurity() != null) {
            node.set("transportSecurity", transportSecurity(d.transportSecurity()));
        }
        return node;
    }

    /** The RFC 8460 words: policy type, result type, and the failing MX hosts. */
    public static ObjectNode transportSecurity(TransportSecurity t) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("policyType", t.policyType().wireName());
        node.put("mode", t.mode());
        node.put("policyId", t.policyId());
        node.put("result", t.result().wireName());
        ArrayNode failing = node.putArray("failingMx");
        t.failingMx().forEach(failing::add);
        ArrayNode rua = node.putArray("tlsRptRua");
        t.rua().forEach(rua::add);
        if (t.reason() != null) {
            node.put("reason", t.reason().name());
            node.put("explanation", t.reason().explanation());
        }
        if (t.detail() != null) {
            node.put("detail", t.detail());
        }
        node.put("enforced", t.enforced());
        node.put("message", Findings.transportSecurity(t));
        return node;
    }

    public static ObjectNode server(ServerResult s, boolean withTranscript) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("host", s.host());
        node.put("address", s.address());
        node.put("port", s.port());
        if (s.preference() != null) {
            node.put("preference", s.preference());
        } else {
            node.putNull("preference");
        }
        node.put("stage", s.stage().name());
        node.set("reply", reply(s.reply()));
        node.put("reason", s.reason().name());
        node.put("result", s.outcome().name());
        node.put("explanation", s.reason().explanation());
        if (s.detail() != null) {
            node.put("detail", s.detail());
        }
        ArrayNode ext = node.putArray("extensions");
        s.extensions().forEach(ext::add);
        // what a mail admin looks for first (STARTTLS, REQUIRETLS, AUTH, SMTPUTF8, CHUNKING, DSN, SIZE), as offered
        ArrayNode security = node.putArray("securityExtensions");
        SecurityExtensions.of(s.extensions()).forEach(security::add);
        node.put("dsn", s.dsnSupported());
        if (s.queueId() != null) {
            node.put("queueId", s.queueId());
        }
        if (s.greylistRetriedAfter() != null) {
            node.put("greylistRetriedAfterMs", s.greylistRetriedAfter().toMillis());
        }
        node.set("tls", tls(s.tls()));
        if (s.tlsFallback() != null) {
            ObjectNode fallback = node.putObject("tlsFallback");
            fallback.put("stage", s.tlsFallback().stage().name());
            fallback.put("reason", s.tlsFallback().reason().name());
            fallback.put("detail", s.tlsFallback().detail());
        }
        if (s.dane() != null) {
            ObjectNode dane = node.putObject("dane");
            dane.put("status", s.dane().status().name());
            s.dane().records().forEach(dane.putArray("records")::add);
            if (s.dane().detail() != null) {
                dane.put("detail", s.dane().detail());
            }
        }
        ObjectNode latency = node.putObject("latencyMs");
        s.latencyMs().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> latency.put(e.getKey().name(), e.getValue()));
        if (withTranscript) {
            ArrayNode t = node.putArray("transcript");
            for (TranscriptLine line : s.transcript()) {
                t.add(line.toString());
            }
        }
        return node;
    }

    private static ObjectNode reply(Reply r) {
        if (r == null) {
            return null;
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("code", r.code());
        node.put("enhancedCode", r.enhancedCode());
        node.put("class", r.replyClass().name());
        node.put("text", r.text());
        return node;
    }

    private static ObjectNode tls(TlsInfo tls) {
        if (tls == null) {
            return null;
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("protocol", tls.protocol());
        node.put("cipher", tls.cipher());
        node.put("trusted", tls.trusted());
        node.put("hostnameMatch", tls.hostnameMatch());
        if (tls.verificationError() != null) {
            node.put("verificationError", tls.verificationError());
        }
        TlsInfo.Certificate c = tls.certificate();
        if (c != null) {
            ObjectNode cert = node.putObject("certificate");
            cert.put("subject", c.subject());
            cert.put("issuer", c.issuer());
            ArrayNode sans = cert.putArray("subjectAltNames");
            c.subjectAltNames().forEach(sans::add);
            cert.put("notBefore", String.valueOf(c.notBefore()));
            cert.put("notAfter", String.valueOf(c.notAfter()));
            cert.put("daysRemaining", c.daysRemaining());
            cert.put("sha256", c.sha256Fingerprint());
        }
        return node;
    }

    public static String toJson(ObjectNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
