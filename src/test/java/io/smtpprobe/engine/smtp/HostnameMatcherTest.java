package io.smtpprobe.engine.smtp;

import io.smtpprobe.testsupport.TestCertificates;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostnameMatcherTest {

    private static final TestCertificates.Issued AUTHORITY = TestCertificates.authority("Matcher CA");

    @Test
    void exactNameMatchesCaseInsensitivelyAndWithTrailingDot() {
        var certificate = TestCertificates.server(AUTHORITY, "mx.example.test").certificate();

        assertThat(HostnameMatcher.matches(certificate, "MX.Example.Test.")).isTrue();
        assertThat(HostnameMatcher.matches(certificate, "mx2.example.test")).isFalse();
    }

    @Test
    void wildcardCoversExactlyOneLeftMostLabel() {
        var certificate = TestCertificates.server(AUTHORITY, "*.example.test").certificate();

        assertThat(HostnameMatcher.matches(certificate, "mx.example.test")).isTrue();
        assertThat(HostnameMatcher.matches(certificate, "a.mx.example.test")).isFalse();
        assertThat(HostnameMatcher.matches(certificate, "example.test")).isFalse();
    }
}
