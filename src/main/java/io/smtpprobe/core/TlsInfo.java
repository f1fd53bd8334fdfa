package io.smtpprobe.core;

import java.time.Instant;
import java.util.List;

/** What the handshake showed, also when verification failed, so the user can see why. */
public record TlsInfo(
        String protocol,
        String cipher,
        Certificate certificate,
        boolean trusted,
        boolean hostnameMatch,
        String verificationError) {

    /**
     * @param sha256Fingerprint SHA-256 of the leaf certificate's DER encoding in lower-case hex, as
     *                          {@code openssl x509 -outform DER | sha256sum} prints it and a DANE
     *                          {@code TLSA 3 0 1} record holds it; null when it could not be encoded
     */
    public record Certificate(
            String subject,
            String issuer,
            List<String> subjectAltNames,
            Instant notBefore,
            Instant notAfter,
            long daysRemaining,
            String sha256Fingerprint) {

        /** Facts without a fingerprint, for results made before the fingerprint was recorded. */
        public Certificate(String subject, String issuer, List<String> subjectAltNames, Instant notBefore, Instant notAfter,
                long daysRemaining) {
            this(subject, issuer, subjectAltNames, notBefore, notAfter, daysRemaining, null);
        }
    }
}
