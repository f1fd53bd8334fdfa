package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.TestCertificates;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fingerprint that identifies a server's certificate across probes, as sha256sum of its DER prints it. */
class CertificateFingerprintTest {
    final TestCertificates.Issued authority = TestCertificates.authority("Test CA");
    final TlsVerifier verifier = new TlsVerifier(TlsSettings.trusting(TestCertificates.trustStore(authority.certificate())),
            Clock.systemUTC());

    @Test
    void theLeafsSha256IsReportedInLowerCaseHexAlsoForAnUntrustedCertificate() throws Exception {
        var trusted = TestCertificates.server(authority, "mx.contoso.test");
        var selfSigned = TestCertificates.selfSigned("mx.contoso.test");

        var fingerprint = fingerprint(trusted);
        assertThat(fingerprint).matches("[0-9a-f]{64}")
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(trusted.certificate().getEncoded())));
        assertThat(fingerprint(selfSigned)).matches("[0-9a-f]{64}").isNotEqualTo(fingerprint);
    }

    @Test
    void aReissuedCertificateForTheSameNameHasAnotherFingerprint() {
        assertThat(fingerprint(TestCertificates.server(authority, "mx.contoso.test")))
                .isNotEqualTo(fingerprint(TestCertificates.server(authority, "mx.contoso.test")));
    }

    private String fingerprint(TestCertificates.Issued issued) {
        List<Certificate> chain = List.copyOf(issued.chain());
        return verifier.verify(null, chain, "mx.contoso.test", 512).info().certificate().sha256Fingerprint();
    }
}
