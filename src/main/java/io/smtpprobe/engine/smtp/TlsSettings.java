package io.smtpprobe.engine.smtp;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which certificate authorities a probe trusts. The handshake itself trusts everything so the
 * chain can be reported even when it is bad; this factory then decides whether it is trusted.
 */
public record TlsSettings(TrustManagerFactory trustManagerFactory) {

    /** The JVM's default trust store (cacerts), as an MTA would use the system CAs. */
    public static TlsSettings systemDefault() {
        return trusting(null);
    }

    /** Trusts exactly the certificates in the given store (tests, private CAs). */
    public static TlsSettings trusting(KeyStore trustStore) {
        try {
            var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore);
            return new TlsSettings(factory);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the trust store", e);
        }
    }
}
