package io.smtpprobe.engine.sts;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * WebPKI validation as the JDK does it (chain, validity, and with endpoint identification the host
 * name), remembering why it refused: a refused certificate is {@code sts-webpki-invalid}, any other
 * handshake failure a fetch error (RFC 8460 §4.3.2.2).
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {
    /** By the policy host name (the SSL engine's peer host): one client serves every fetch. */
    private final Map<String, CertificateException> refusals = new ConcurrentHashMap<>();
    private final X509ExtendedTrustManager delegate;

    RecordingTrustManager(TrustManagerFactory factory) {
        this.delegate = extended(factory);
    }

    /** Forgets what was recorded for {@code host}, before a fetch from it. */
    void forget(String host) {
        refusals.remove(host);
    }

    /** Why the last handshake with {@code host} refused its certificate; null when it did not. */
    CertificateException refusal(String host) {
        return refusals.remove(host);
    }

    private void record(String host, CertificateException e) {
        if (host != null) {
            refusals.put(host, e);
        }
    }

    static TrustManagerFactory jvmDefault() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the JVM's trust store", e);
        }
    }

    private static X509ExtendedTrustManager extended(TrustManagerFactory factory) {
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("the trust store has no X.509 trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            record(engine == null ? null : engine.getPeerHost(), e);
            throw e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            record(null, e);
            throw e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            record(null, e);
            throw e;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a policy fetch is a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a policy fetch is a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a policy fetch is a client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
