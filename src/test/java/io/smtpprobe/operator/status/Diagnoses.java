package io.smtpprobe.operator.status;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsInfo;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Probe results with several MX preferences and certificates, as mxPolicy All and STARTTLS give them. */
public final class Diagnoses {
    public static final String FINGERPRINT_A = "aa11".repeat(16);
    public static final String FINGERPRINT_B = "bb22".repeat(16);

    private Diagnoses() {
    }

    public static ServerResult rejecting(String host, int preference) {
        return ServerResult.builder().host(host).address("192.0.2." + preference).port(25).preference(preference)
                .stage(Stage.RcptTo).reply(Reply.of(550, List.of("5.1.1 User unknown"))).reason(Reason.RecipientUnknown).build();
    }

    public static ServerResult accepting(String host, int preference) {
        return ServerResult.builder().host(host).address("192.0.2." + preference).port(25).preference(preference)
                .stage(Stage.Quit).reply(Reply.of(250, List.of("2.1.5 Ok"))).reason(Reason.Accepted).build();
    }

    public static ServerResult withCertificate(ServerResult server, Instant notAfter, String fingerprint) {
        var certificate = new TlsInfo.Certificate("CN=" + server.host(), "CN=Test CA", List.of(server.host()),
                notAfter.minusSeconds(90L * 86400), notAfter, 0, fingerprint);
        return server.toBuilder().tls(new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", certificate, true, true, null)).build();
    }

    public static DomainResult domain(String domain, ServerResult... servers) {
        Outcome result = Arrays.stream(servers).map(ServerResult::outcome).reduce(Outcome.Success, Outcome::worst);
        Reason reason = Arrays.stream(servers).filter(s -> s.outcome() == result).findFirst().orElseThrow().reason();
        return new DomainResult(domain, result, reason, null,
                Arrays.stream(servers).map(s -> new MxHost(s.host(), s.preference(), false, List.of(), null)).toList(),
                List.of(servers));
    }

    public static ProbeReport report(DomainResult... domains) {
        Outcome result = Arrays.stream(domains).map(DomainResult::result).reduce(Outcome.Success, Outcome::worst);
        Reason reason = Arrays.stream(domains).filter(d -> d.result() == result).findFirst().orElseThrow().reason();
        return new ProbeReport(result, reason, List.of(domains));
    }

    /** Primary MX 10 rejects the recipient, backup MX 20 accepts it. */
    public static ProbeReport backupAcceptsRejected(String domain) {
        return report(domain(domain, rejecting("mx1." + domain, 10), accepting("mx2." + domain, 20)));
    }

    /** Both MX hosts reject the recipient, as they should. */
    public static ProbeReport backupAgrees(String domain) {
        return report(domain(domain, rejecting("mx1." + domain, 10), rejecting("mx2." + domain, 20)));
    }

    /** One MX accepts over STARTTLS with this certificate. */
    public static ProbeReport acceptedOverTls(String domain, Instant notAfter, String fingerprint) {
        return report(domain(domain, withCertificate(accepting("mx1." + domain, 10), notAfter, fingerprint)));
    }
}
