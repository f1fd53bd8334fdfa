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

    public record Certificate(
            String subject,
            String issuer,
            List<String> subjectAltNames,
            Instant notBefore,
            Instant notAfter,
            long daysRemaining) {
    }
}
