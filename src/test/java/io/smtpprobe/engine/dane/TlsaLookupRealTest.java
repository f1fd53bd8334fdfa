package io.smtpprobe.engine.dane;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.DaneOutcome.Status;
import io.smtpprobe.testsupport.Nsd;
import io.smtpprobe.testsupport.Nsd.Signing;
import io.smtpprobe.testsupport.TestCertificates;
import io.smtpprobe.testsupport.TestCertificates.Issued;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TLSA lookups validated against a real NSD serving signed, unsigned and broken zones, each
 * verdict of {@link DaneOutcome.Status} that DNS alone decides.
 */
@Tag("real")
class TlsaLookupRealTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Issued CA = TestCertificates.authority("DANE Lookup CA");
    private static final Issued SERVER = TestCertificates.server(CA, "mx.dane.test");
    private static Nsd nsd;
    private static TlsaLookup lookup;

    @BeforeAll
    static void startDns() {
        String pin = "3 1 1 " + hex(TlsaMatcher.recordFor(3, 1, 1, SERVER.certificate()));
        nsd = Nsd.builder()
                .zone("dane.test", Signing.SIGNED,
                        "mx A 127.0.0.1", "_25._tcp.mx TLSA " + pin,
                        "plain A 127.0.0.1",
                        "alias CNAME mx", "_25._tcp.alias TLSA 3 1 1 " + "00".repeat(32),
                        "alias-of-plain CNAME plain", "_25._tcp.alias-of-plain TLSA " + pin,
                        "pkix A 127.0.0.1",
                        "_25._tcp.pkix TLSA 1 1 1 " + hex(TlsaMatcher.recordFor(1, 1, 1, SERVER.certificate())),
                        "_25._tcp.pkix TLSA 0 0 1 " + hex(TlsaMatcher.recordFor(0, 0, 1, CA.certificate())))
                .zone("insecure.dane.test", Signing.UNSIGNED, "mx A 127.0.0.1", "_25._tcp.mx TLSA " + pin)
                .zone("expired.dane.test", Signing.EXPIRED_SIGNATURES, "mx A 127.0.0.1", "_25._tcp.mx TLSA " + pin)
                .zone("wrongkey.dane.test", Signing.WRONG_KEY, "mx A 127.0.0.1", "_25._tcp.mx TLSA " + pin)
                .start();
        lookup = new TlsaLookup(DaneSettings.defaults(List.of(nsd.address()), Duration.ofSeconds(5))
                .withTrustAnchors(nsd.trustAnchor()));
    }

    @AfterAll
    static void stopDns() {
        if (nsd != null) {
            nsd.close();
        }
    }

    private static String hex(Tlsa record) {
        return HexFormat.of().formatHex(record.data());
    }

    private static DaneOutcome judged(String host, int port) throws Exception {
        TlsaFindings findings = lookup.lookup(host, LOOPBACK, port).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return findings.judge(SERVER.chain(), leaf -> true);
    }

    @Test
    void signedMatchingTlsaIsMatch() throws Exception {
        DaneOutcome outcome = judged("mx.dane.test", 25);

        assertThat(outcome.status()).as(outcome + "\n" + nsd.log()).isEqualTo(Status.MATCH);
        assertThat(outcome.records()).hasSize(1).allMatch(record -> record.startsWith("3 1 1 "));
    }

    @Test
    void tlsaIsLookedUpAtTheDialledPort() throws Exception {
        assertThat(judged("mx.dane.test", 587).status()).isEqualTo(Status.NO_TLSA);
    }

    @Test
    void provenAbsenceInASignedZoneIsNoTlsa() throws Exception {
        DaneOutcome outcome = judged("plain.dane.test", 25);

        assertThat(outcome.status()).isEqualTo(Status.NO_TLSA);
        assertThat(outcome.detail()).contains("DNSSEC-proven");
    }

    @Test
    void tlsaInAnUnsignedZoneDoesNotCount() throws Exception {
        DaneOutcome outcome = judged("mx.insecure.dane.test", 25);

        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(Status.NO_TLSA);
        assertThat(outcome.detail()).contains("not DNSSEC-signed");
    }

    @Test
    void expiredSignaturesAreBogus() throws Exception {
        DaneOutcome outcome = judged("mx.expired.dane.test", 25);

        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(Status.DNSSEC_BOGUS);
        assertThat(outcome.records()).isEmpty();
    }

    @Test
    void aZoneSignedWithAnotherKeyThanItsDsIsBogus() throws Exception {
        DaneOutcome outcome = judged("mx.wrongkey.dane.test", 25);

        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(Status.DNSSEC_BOGUS);
    }

    /** RFC 7672 §2.2.3: the target's records are asked first, and the MX name's own are not used when they exist. */
    @Test
    void aSecureCnameIsFollowedToTheTargetsTlsaRecordsFirst() throws Exception {
        TlsaFindings findings = lookup.lookup("alias.dane.test", LOOPBACK, 25).toCompletableFuture().get(10, TimeUnit.SECONDS);
        DaneOutcome outcome = findings.judge(SERVER.chain(), leaf -> true);

        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(Status.MATCH);
        assertThat(outcome.records()).singleElement().asString().startsWith("3 1 1 ").doesNotContain("0000000000");
    }

    @Test
    void aCnameTargetWithoutTlsaFallsBackToTheMxNamesRecords() throws Exception {
        DaneOutcome outcome = judged("alias-of-plain.dane.test", 25);

        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(Status.MATCH);
    }

    @Test
    void onlyPkixUsagesAreUnusable() throws Exception {
        DaneOutcome outcome = judged("pkix.dane.test", 25);

        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(Status.TLSA_UNUSABLE);
        assertThat(outcome.records()).isEmpty();
        assertThat(outcome.detail()).contains("1 1 1 ", "0 0 1 ");
    }

    @Test
    void aSilentResolverIsLookupFailedWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            var quick = new TlsaLookup(DaneSettings.defaults(
                    List.of(new InetSocketAddress(LOOPBACK, silent.getLocalPort())), Duration.ofMillis(500))
                    .withTrustAnchors(nsd.trustAnchor()));
            long start = System.nanoTime();

            DaneOutcome outcome = quick.lookup("mx.dane.test", LOOPBACK, 25).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).judge(SERVER.chain(), leaf -> true);

            assertThat(outcome.status()).as(outcome.toString()).isEqualTo(Status.LOOKUP_FAILED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aResolverThatCannotServeTheTrustAnchorsKeysIsLookupFailedNotBogus() throws Exception {
        // the root anchors, but NSD serves only dane.test and refuses the root's DNSKEY query:
        // nothing was proven bogus, the validation could not even start
        var rootAnchored = new TlsaLookup(DaneSettings.defaults(List.of(nsd.address()), Duration.ofSeconds(5)));

        DaneOutcome outcome = rootAnchored.lookup("mx.dane.test", LOOPBACK, 25).toCompletableFuture()
                .get(10, TimeUnit.SECONDS).judge(SERVER.chain(), leaf -> true);

        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(Status.LOOKUP_FAILED);
    }
}
