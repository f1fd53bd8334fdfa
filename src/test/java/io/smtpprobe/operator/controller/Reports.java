package io.smtpprobe.operator.controller;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsInfo;
import io.smtpprobe.core.TranscriptLine;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builders for probe results as the probe layer would report them. */
public final class Reports {
    private Reports() {
    }

    public static ServerResult server(String host, Stage stage, Reason reason, int code, String text) {
        return new ServerResult(host, "127.0.0.1", 25, 10, stage, Reply.of(code, List.of(text)), reason,
                List.of("PIPELINING", "SIZE 10240000"), true, null, null, null, Map.of(Stage.Connect, 3L),
                List.of(new TranscriptLine(TranscriptLine.Direction.Server, code + " " + text)));
    }

    public static ServerResult accepted(String host) {
        return server(host, Stage.Quit, Reason.Accepted, 250, "2.1.5 Ok");
    }

    public static DomainResult domain(String domain, ServerResult... servers) {
        var deciding = servers[servers.length - 1];
        Outcome result = Arrays.stream(servers).map(ServerResult::outcome).reduce(Outcome.Success, Outcome::worst);
        return new DomainResult(domain, result, deciding.reason(), domain + ": " + deciding.reason(),
                Arrays.stream(servers).map(s -> new MxHost(s.host(), 10, false, List.of(), null)).toList(), List.of(servers));
    }

    public static DomainResult dnsFailure(String domain, Reason reason) {
        return new DomainResult(domain, Outcome.PermanentFailure, reason, "", List.of(), List.of());
    }

    public static ProbeReport report(DomainResult... domains) {
        Outcome result = Arrays.stream(domains).map(DomainResult::result).reduce(Outcome.Success, Outcome::worst);
        Reason reason = Arrays.stream(domains).filter(d -> d.result() == result).findFirst().map(DomainResult::reason).orElseThrow();
        return new ProbeReport(result, reason, List.of(domains));
    }

    public static ProbeReport allAccepted(String... domains) {
        return report(Arrays.stream(domains).map(d -> domain(d, accepted("mx1." + d))).toArray(DomainResult[]::new));
    }

    public static ProbeReport userUnknown(String domain) {
        return report(domain(domain, server("mx1." + domain, Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown")));
    }

    /** A 550 after STARTTLS, with the server certificate expiring at {@code notAfter}. */
    public static ProbeReport userUnknownOverTls(String domain, Instant notAfter) {
        var plain = server("mx1." + domain, Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown");
        var tls = new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", new TlsInfo.Certificate("CN=mx1." + domain, "CN=Test CA",
                List.of("mx1." + domain), notAfter.minusSeconds(90L * 86400), notAfter, 30), true, true, null);
        return report(domain(domain, new ServerResult(plain.host(), plain.address(), plain.port(), plain.preference(), plain.stage(),
                plain.reply(), plain.reason(), plain.extensions(), plain.dsnSupported(), tls, null, null, plain.latencyMs(),
                plain.transcript())));
    }

    public static MxHost mx(String host) {
        return new MxHost(host, 10, false, List.of(), DnsStatus.Ok);
    }
}
