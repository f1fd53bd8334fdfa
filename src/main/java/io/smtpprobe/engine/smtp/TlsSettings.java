package io.smtpprobe.engine.smtp;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.function.Supplier;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which certificate authorities a probe trusts. The handshake itself trusts everything so the
 * chain can be reported even when it is bad; this factory then decides whether it is trusted.
 */
public final class TlsSettings {
    private final Supplier<TrustManagerFactory> load;
    private volatile TrustManagerFactory factory;

    private TlsSettings(Supplier<TrustManagerFactory> load) {
        this.load = load;
    }

    /**
     * The JVM's default trust store (cacerts), as an MTA would use the system CAs. Read at the first
     * certificate to judge: parsing it is a large share of a one-shot {@code check}, and most runs
     * (no STARTTLS, a refused connection, a DNS failure) never need it.
     */
    public static TlsSettings systemDefault() {
        return new TlsSettings(() -> factory(null));
    }

    /** Trusts exactly the certificates in the given store (tests, private CAs); a bad store fails here. */
    public static TlsSettings trusting(KeyStore trustStore) {
        TrustManagerFactory loaded = factory(trustStore);
        return new TlsSettings(() -> loaded);
    }

    public TrustManagerFactory trustManagerFactory() {
        TrustManagerFactory loaded = factory;
        if (loaded == null) {
            synchronized (this) {
                loaded = factory;
                if (loaded == null) {
                    loaded = load.get();
                    factory = loaded;
                }
            }
        }
        return loaded;
    }

    private static TrustManagerFactory factory(KeyStore trustStore) {
        try {
            var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the trust store", e);
        }
    }
}
