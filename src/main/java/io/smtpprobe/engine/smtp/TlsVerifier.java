package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.TlsInfo;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Judges a completed handshake after the fact. Doing it ourselves instead of inside the
 * handshake lets the probe report the certificate of a server it then refuses.
 */
final class TlsVerifier {

    private final TlsSettings settings;
    private final Clock clock;
    /** Taken from the settings at the first verdict, when they load the trust store. */
    private volatile X509TrustManager trustManager;

    TlsVerifier(TlsSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The verdict plus the reason to fail with, or {@link Reason#Accepted} when valid;
     * {@code error} is the unescaped verification error for sinks that sanitise themselves.
     */
    record Verdict(TlsInfo info, Reason reason, String error) {
    }

    Verdict verify(SSLSession session, List<Certificate> peerCertificates, String host, int maxTextLength) {
        X509Certificate[] chain = peerCertificates.stream()
                .filter(X509Certificate.class::isInstance)
                .map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new);
        String protocol = session == null ? null : session.getProtocol();
        String cipher = session == null ? null : session.getCipherSuite();
        if (chain.length == 0) {
            return new Verdict(new TlsInfo(protocol, cipher, null, false, false, "server sent no certificate"),
                    Reason.CertificateUntrusted, "server sent no certificate");
        }
        X509Certificate leaf = chain[0];
        Instant now = clock.instant();
        String error = null;
        Reason reason = Reason.Accepted;

        // outside the try: a trust store that cannot be read is our failure, never the server's certificate
        X509TrustManager trust = trustManager();
        boolean trusted;
        try {
            trust.checkServerTrusted(chain, "UNKNOWN");
            trusted = true;
        } catch (CertificateException | RuntimeException e) {
            trusted = false;
            error = "certificate chain not trusted: " + e.getMessage();
            reason = Reason.CertificateUntrusted;
        }
        boolean inValidity = !now.isBefore(leaf.getNotBefore().toInstant()) && !now.isAfter(leaf.getNotAfter().toInstant());
        if (!inValidity) {
            trusted = false;
            error = now.isAfter(leaf.getNotAfter().toInstant())
                    ? "certificate expired at " + leaf.getNotAfter().toInstant()
                    : "certificate not valid before " + leaf.getNotBefore().toInstant();
            reason = Reason.CertificateExpired;
        }
        boolean hostnameMatch = HostnameMatcher.matches(leaf, host);
        if (!hostnameMatch && reason == Reason.Accepted) {
            error = "certificate does not name " + host;
            reason = Reason.CertificateNameMismatch;
        }
        var certificate = new TlsInfo.Certificate(
                ServerText.sanitize(leaf.getSubjectX500Principal().getName(), maxTextLength),
                ServerText.sanitize(leaf.getIssuerX500Principal().getName(), maxTextLength),
                HostnameMatcher.describeSubjectAltNames(leaf).stream()
                        .map(name -> ServerText.sanitize(name, maxTextLength)).toList(),
                leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant(),
                Duration.between(now, leaf.getNotAfter().toInstant()).toDays(),
                sha256Fingerprint(leaf));
        return new Verdict(new TlsInfo(protocol, cipher, certificate, trusted, hostnameMatch,
                ServerText.sanitize(error, maxTextLength)), reason, error);
    }

    /** Identifies the certificate across probes, so a change is noticed even when names and dates stay alike. */
    static String sha256Fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            return null;
        }
    }

    private X509TrustManager trustManager() {
        X509TrustManager manager = trustManager;
        if (manager == null) {
            manager = x509(settings.trustManagerFactory().getTrustManagers());
            trustManager = manager;
        }
        return manager;
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalArgumentException("the trust manager factory has no X509TrustManager");
    }
}
