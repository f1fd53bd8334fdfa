package io.smtpprobe.engine.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsInfo;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.TransportSecurity;
import io.smtpprobe.core.TransportSecurity.PolicyType;
import io.smtpprobe.core.TransportSecurity.ResultType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verdict a DANE- and MTA-STS-aware sender would reach, from fabricated dialogues and DANE outcomes. */
class TransportSecurityEvaluatorTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final String MX1 = "mx1.fabrikam.test";
    private static final String MX2 = "mx2.fabrikam.test";

    private static StsFinding sts(String mode, String... mx) {
        return StsFinding.policy("id1", new StsPolicy(mode, List.of(mx), Duration.ofDays(1)), List.of("mailto:tls@fabrikam.test"));
    }

    private static TlsInfo tls(boolean trusted, boolean nameMatch, Instant notAfter) {
        var cert = new TlsInfo.Certificate("CN=x", "CN=ca", List.of("DNS:x"), NOW.minus(Duration.ofDays(10)), notAfter, 1);
        return new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", cert, trusted, nameMatch, trusted ? null : "not trusted");
    }

    private static ServerResult server(String host, TlsInfo tls, List<String> extensions) {
        return ServerResult.builder().host(host).address("127.0.0.1").port(25).preference(10).stage(Stage.Quit)
                .reason(Reason.Accepted).extensions(extensions).tls(tls).build();
    }

    private static ServerResult goodTls(String host) {
        return server(host, tls(true, true, NOW.plus(Duration.ofDays(30))), List.of("STARTTLS", "PIPELINING"));
    }

    private static DomainResult domain(ServerResult... servers) {
        return new DomainResult("fabrikam.test", Outcome.Success, Reason.Accepted, null,
                List.of(new MxHost(MX1, 10, false, List.of(), null), new MxHost(MX2, 20, false, List.of(), null)),
                List.of(servers));
    }

    private static TransportSecurity evaluate(DomainResult d, StsFinding sts, Map<String, DaneOutcome> dane) {
        return TransportSecurityEvaluator.evaluate(d, sts, dane, TlsMode.Opportunistic, NOW);
    }

    @Test
    void anEnforcePolicyMetByEveryMxIsSuccess() {
        TransportSecurity t = evaluate(domain(goodTls(MX1)), sts("enforce", "*.fabrikam.test"), Map.of());
        assertEquals(PolicyType.STS, t.policyType());
        assertEquals("enforce", t.mode());
        assertEquals("id1", t.policyId());
        assertEquals(ResultType.SUCCESS, t.result());
        assertEquals(List.of("mailto:tls@fabrikam.test"), t.rua());
        assertFalse(t.enforced());
    }

    @Test
    void anMxOutsideTheEnforcePolicyFailsTheDomain() {
        TransportSecurity t = evaluate(domain(goodTls(MX1)), sts("enforce", MX1), Map.of());
        assertEquals(ResultType.VALIDATION_FAILURE, t.result());
        assertEquals(Reason.MtaStsMxMismatch, t.reason());
        assertEquals(List.of(MX2), t.failingMx());
        assertTrue(t.enforced());
        DomainResult judged = domain(goodTls(MX1)).withTransportSecurity(t);
        assertEquals(Reason.MtaStsMxMismatch, judged.reason());
        assertEquals(Outcome.PermanentFailure, judged.result());
    }

    @Test
    void underTestingAFailureIsReportedAndTheVerdictStays() {
        ServerResult bad = server(MX1, tls(true, false, NOW.plus(Duration.ofDays(30))), List.of("STARTTLS"));
        TransportSecurity t = evaluate(domain(bad), sts("testing", "*.fabrikam.test"), Map.of());
        assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH, t.result());
        assertFalse(t.enforced());
        DomainResult judged = domain(bad).withTransportSecurity(t);
        assertEquals(Reason.Accepted, judged.reason());
        assertEquals(t, judged.transportSecurity());
    }

    @Test
    void eachCertificateFaultHasItsResultType() {
        StsFinding enforce = sts("enforce", "*.fabrikam.test");
        assertEquals(ResultType.CERTIFICATE_EXPIRED, evaluate(domain(server(MX1, tls(false, true, NOW.minusSeconds(1)),
                List.of("STARTTLS"))), enforce, Map.of()).result());
        assertEquals(ResultType.CERTIFICATE_NOT_TRUSTED, evaluate(domain(server(MX1, tls(false, true, NOW.plusSeconds(60)),
                List.of("STARTTLS"))), enforce, Map.of()).result());
        assertEquals(ResultType.STARTTLS_NOT_SUPPORTED, evaluate(domain(server(MX1, null, List.of("PIPELINING"))),
                enforce, Map.of()).result());
        ServerResult fellBack = server(MX1, null, List.of("STARTTLS")).toBuilder()
                .tlsFallback(new ServerResult.TlsFallback(Stage.StartTls, Reason.TlsHandshakeFailed, "handshake_failure")).build();
        TransportSecurity handshake = evaluate(domain(fellBack), enforce, Map.of());
        assertEquals(ResultType.VALIDATION_FAILURE, handshake.result());
        assertEquals(Reason.MtaStsTlsFailed, handshake.reason());
    }

    @Test
    void aServerNeverReachedTellsNothingAboutItsTls() {
        ServerResult refused = ServerResult.builder().host(MX1).address("127.0.0.1").port(25).stage(Stage.Connect)
                .reason(Reason.ConnectRefused).build();
        assertEquals(ResultType.SUCCESS, evaluate(domain(refused), sts("enforce", "*.fabrikam.test"), Map.of()).result());
    }

    @Test
    void withTlsDisabledOnlyTheMxPatternsAreJudged() {
        ServerResult plain = server(MX1, null, List.of("STARTTLS"));
        var t = TransportSecurityEvaluator.evaluate(domain(plain), sts("enforce", "*.fabrikam.test"), Map.of(),
                TlsMode.Disabled, NOW);
        assertEquals(ResultType.SUCCESS, t.result());
    }

    @Test
    void anUnusablePolicyIsReportedAndEnforcesNothing() {
        var fetch = PolicyFetch.webPkiInvalid("the certificate of mta-sts.fabrikam.test is not valid: expired");
        TransportSecurity t = evaluate(domain(server(MX1, null, List.of())), StsFinding.fetchFailed("id9", fetch, List.of()),
                Map.of());
        assertEquals(PolicyType.STS, t.policyType());
        assertEquals(ResultType.STS_WEBPKI_INVALID, t.result());
        assertEquals(Reason.MtaStsWebPkiInvalid, t.reason());
        assertEquals("id9", t.policyId());
        assertFalse(t.enforced());
    }

    @Test
    void noPolicyAtAll() {
        TransportSecurity t = evaluate(domain(goodTls(MX1)), StsFinding.none(List.of()), Map.of());
        assertEquals(PolicyType.NO_POLICY_FOUND, t.policyType());
        assertEquals(ResultType.SUCCESS, t.result());
        assertNull(t.mode());
    }

    @Test
    void usableDaneWinsOverAnMtaStsPolicyThatWouldFail() {
        // the STS policy lists neither MX, but DANE matches for both: RFC 8461 §2, DANE takes precedence
        var dane = Map.of(MX1, new DaneOutcome(DaneOutcome.Status.MATCH, List.of("3 1 1 ab"), null),
                MX2, new DaneOutcome(DaneOutcome.Status.MATCH, List.of("3 1 1 cd"), null));
        TransportSecurity t = evaluate(domain(goodTls(MX1)), sts("enforce", "mx.elsewhere.test"), dane);
        assertEquals(PolicyType.TLSA, t.policyType());
        assertEquals(ResultType.SUCCESS, t.result());
    }

    @Test
    void daneOutcomesMapToRfc8460ResultTypesAndAreEnforced() {
        assertDane(DaneOutcome.Status.NO_MATCH, ResultType.TLSA_INVALID, Reason.DaneNoMatch);
        assertDane(DaneOutcome.Status.DNSSEC_BOGUS, ResultType.DNSSEC_INVALID, Reason.DaneDnssecBogus);
    }

    @Test
    void aFailedTlsaLookupLeavesTheHostToMtaStsAndFailsNothing() {
        var dane = Map.of(MX1, new DaneOutcome(DaneOutcome.Status.LOOKUP_FAILED, List.of(), "SERVFAIL"));
        TransportSecurity t = evaluate(domain(server(MX1, null, List.of("PIPELINING"))), StsFinding.none(List.of()), dane);
        assertEquals(ResultType.SUCCESS, t.result());
        assertFalse(t.enforced());
    }

    @Test
    void usableDaneWithoutStartTlsIsStarttlsNotSupported() {
        var dane = Map.of(MX1, new DaneOutcome(DaneOutcome.Status.NO_MATCH, List.of("3 1 1 ab"), "no TLS"));
        TransportSecurity t = evaluate(domain(server(MX1, null, List.of("PIPELINING"))), StsFinding.none(List.of()), dane);
        assertEquals(ResultType.STARTTLS_NOT_SUPPORTED, t.result());
        assertTrue(t.enforced());
    }

    @Test
    void unusableOrMissingTlsaLeavesTheHostToMtaSts() {
        var dane = Map.of(MX1, new DaneOutcome(DaneOutcome.Status.TLSA_UNUSABLE, List.of(), "only PKIX-EE"),
                MX2, new DaneOutcome(DaneOutcome.Status.NO_TLSA, List.of(), null));
        TransportSecurity t = evaluate(domain(goodTls(MX1)), sts("enforce", "*.fabrikam.test"), dane);
        assertEquals(PolicyType.STS, t.policyType());
        assertEquals(ResultType.SUCCESS, t.result());
    }

    private static void assertDane(DaneOutcome.Status status, ResultType type, Reason reason) {
        var dane = Map.of(MX1, new DaneOutcome(status, List.of("3 1 1 ab"), status.name()));
        TransportSecurity t = evaluate(domain(goodTls(MX1)), StsFinding.none(List.of()), dane);
        assertEquals(PolicyType.TLSA, t.policyType(), status.name());
        assertEquals(type, t.result(), status.name());
        assertEquals(reason, t.reason(), status.name());
        assertEquals(List.of(MX1), t.failingMx());
        assertTrue(t.enforced());
        assertEquals(reason, domain(goodTls(MX1)).withTransportSecurity(t).reason());
    }
}
