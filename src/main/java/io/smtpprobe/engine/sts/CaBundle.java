package io.smtpprobe.engine.sts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManagerFactory;

/**
 * A PEM file of CA certificates, as a trust store for the MTA-STS policy fetch in place of the
 * JVM's cacerts: for a private PKI, or a distribution's bundle ({@code /etc/ssl/certs/ca-certificates.crt}).
 * Read when the setting is read, so a wrong file stops start-up with its name instead of turning
 * every policy into {@code sts-webpki-invalid}.
 */
public final class CaBundle {
    /** A full distribution bundle is about 220 KiB. */
    private static final long MAX_BYTES = 4L * 1024 * 1024;

    private CaBundle() {
    }

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static TrustManagerFactory read(Path file) {
        Collection<? extends Certificate> certificates;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + ": larger than " + MAX_BYTES + " bytes, not a CA bundle");
            }
            try (InputStream in = Files.newInputStream(file)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not a PEM file of X.509 certificates (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(file + ": no certificate (expected PEM blocks "
                    + "-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca" + i++, (X509Certificate) certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": cannot make a trust store of its certificates (" + e.getMessage() + ")", e);
        }
    }
}
