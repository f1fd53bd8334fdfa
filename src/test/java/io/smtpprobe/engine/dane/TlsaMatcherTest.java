package io.smtpprobe.engine.dane;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DaneOutcome.Status;
import io.smtpprobe.testsupport.TestCertificates;
import io.smtpprobe.testsupport.TestCertificates.Issued;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TlsaMatcherTest {

    private static final Issued CA = TestCertificates.authority("DANE Test CA");
    private static final Issued OTHER_CA = TestCertificates.authority("Another CA");
    private static final Issued SERVER = TestCertificates.server(CA, "mx.dane.test");
    private static final Predicate<X509Certificate> NAMES_HOST = leaf -> true;
    private static final Predicate<X509Certificate> NAMES_ANOTHER_HOST = leaf -> false;

    @ParameterizedTest(name = "DANE-EE 3 {0} {1}")
    @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2"})
    void daneEeMatchesTheServerCertificateWithEverySelectorAndMatchingType(int selector, int matchingType) {
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_EE, selector, matchingType, SERVER.certificate());

        var outcome = TlsaMatcher.judge(List.of(record), SERVER.chain(), NAMES_ANOTHER_HOST);

        assertThat(outcome.status()).as("DANE-EE ignores names").isEqualTo(Status.MATCH);
        assertThat(outcome.records()).containsExactly(record.presentation());
    }

    @ParameterizedTest(name = "DANE-EE 3 {0} {1} of another key")
    @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2"})
    void daneEeOfAnotherCertificateDoesNotMatch(int selector, int matchingType) {
        Issued other = TestCertificates.server(CA, "mx.dane.test");
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_EE, selector, matchingType, other.certificate());

        assertThat(TlsaMatcher.judge(List.of(record), SERVER.chain(), NAMES_HOST).status()).isEqualTo(Status.NO_MATCH);
    }

    @Test
    void daneEeIgnoresAnExpiredCertificate() {
        Instant now = Instant.now();
        Issued expired = TestCertificates.server(CA, "mx.dane.test", now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)));
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_EE, 1, 1, expired.certificate());

        assertThat(TlsaMatcher.judge(List.of(record), expired.chain(), NAMES_HOST).status()).isEqualTo(Status.MATCH);
    }

    @Test
    void daneEeDoesNotPinAnIssuer() {
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_EE, 1, 1, CA.certificate());

        assertThat(TlsaMatcher.judge(List.of(record), SERVER.chain(), NAMES_HOST).status()).isEqualTo(Status.NO_MATCH);
    }

    @ParameterizedTest(name = "DANE-TA 2 {0} {1}")
    @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2"})
    void daneTaMatchesAnIssuerInTheChainWithEverySelectorAndMatchingType(int selector, int matchingType) {
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_TA, selector, matchingType, CA.certificate());

        assertThat(TlsaMatcher.judge(List.of(record), SERVER.chain(), NAMES_HOST).status()).isEqualTo(Status.MATCH);
    }

    @ParameterizedTest(name = "DANE-TA 2 {0} 0 not sent by the server")
    @CsvSource({"0", "1"})
    void daneTaWithTheWholeAnchorMatchesAChainThatLeavesTheAnchorOut(int selector) {
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_TA, selector, 0, CA.certificate());

        assertThat(TlsaMatcher.judge(List.of(record), List.of(SERVER.certificate()), NAMES_HOST).status())
                .isEqualTo(Status.MATCH);
    }

    @Test
    void daneTaDigestCannotMatchAnAnchorTheServerLeftOut() {
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_TA, 1, 1, CA.certificate());

        assertThat(TlsaMatcher.judge(List.of(record), List.of(SERVER.certificate()), NAMES_HOST).status())
                .isEqualTo(Status.NO_MATCH);
    }

    @Test
    void daneTaRequiresTheCertificateToNameTheHost() {
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_TA, 1, 1, CA.certificate());

        var outcome = TlsaMatcher.judge(List.of(record), SERVER.chain(), NAMES_ANOTHER_HOST);

        assertThat(outcome.status()).isEqualTo(Status.NO_MATCH);
        assertThat(outcome.detail()).contains("does not name the host");
    }

    @Test
    void daneTaOfAnotherAuthorityDoesNotMatch() {
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_TA, 0, 0, OTHER_CA.certificate());

        assertThat(TlsaMatcher.judge(List.of(record), SERVER.chain(), NAMES_HOST).status()).isEqualTo(Status.NO_MATCH);
    }

    @Test
    void daneTaRefusesAnIssuerThatDidNotSignTheCertificate() {
        // the server sends the pinned CA but its certificate was issued by another: a forged chain
        Issued forged = TestCertificates.server(OTHER_CA, "mx.dane.test");
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_TA, 1, 1, CA.certificate());

        var outcome = TlsaMatcher.judge(List.of(record), List.of(forged.certificate(), CA.certificate()), NAMES_HOST);

        assertThat(outcome.status()).isEqualTo(Status.NO_MATCH);
    }

    @Test
    void daneTaDoesNotAcceptTheServerCertificateAsItsOwnAnchor() {
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_TA, 1, 1, SERVER.certificate());

        assertThat(TlsaMatcher.judge(List.of(record), List.of(SERVER.certificate()), NAMES_HOST).status())
                .isEqualTo(Status.NO_MATCH);
    }

    @Test
    void anyMatchingRecordAmongSeveralIsEnough() {
        Tlsa wrong = TlsaMatcher.recordFor(Tlsa.DANE_EE, 1, 1, OTHER_CA.certificate());
        Tlsa right = TlsaMatcher.recordFor(Tlsa.DANE_EE, 1, 2, SERVER.certificate());

        var outcome = TlsaMatcher.judge(List.of(wrong, right), SERVER.chain(), NAMES_HOST);

        assertThat(outcome.status()).isEqualTo(Status.MATCH);
        assertThat(outcome.detail()).contains(right.presentation());
    }

    @Test
    void noChainAtAllIsNoMatch() {
        Tlsa record = TlsaMatcher.recordFor(Tlsa.DANE_EE, 1, 1, SERVER.certificate());

        var outcome = TlsaMatcher.judge(List.of(record), List.of(), NAMES_HOST);

        assertThat(outcome.status()).isEqualTo(Status.NO_MATCH);
        assertThat(outcome.detail()).contains("TLS was not established");
    }

    @Test
    void onlyDaneUsagesWithKnownParametersAreUsableForSmtp() {
        byte[] data = {1, 2, 3};
        assertThat(new Tlsa(Tlsa.DANE_EE, 1, 1, data).usableForSmtp()).isTrue();
        assertThat(new Tlsa(Tlsa.DANE_TA, 0, 2, data).usableForSmtp()).isTrue();
        assertThat(new Tlsa(Tlsa.PKIX_TA, 1, 1, data).usableForSmtp()).isFalse();
        assertThat(new Tlsa(Tlsa.PKIX_EE, 1, 1, data).usableForSmtp()).isFalse();
        assertThat(new Tlsa(Tlsa.DANE_EE, 2, 1, data).usableForSmtp()).isFalse();
        assertThat(new Tlsa(Tlsa.DANE_EE, 1, 3, data).usableForSmtp()).isFalse();
        assertThat(new Tlsa(Tlsa.DANE_EE, 1, 1, new byte[0]).usableForSmtp()).isFalse();
    }
}
