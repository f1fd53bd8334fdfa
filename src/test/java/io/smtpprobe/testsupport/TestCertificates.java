package io.smtpprobe.testsupport;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time, so no test depends on a file that expires: in memory for the
 * scripted peers, as PEM files for Postfix.
 */
public final class TestCertificates {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public record Issued(KeyPair keyPair, X509Certificate certificate, List<X509Certificate> chain) {
    }

    /** EC keys are small and fast to make; Postfix's smtpd refused BouncyCastle EC keys, so it gets RSA. */
    public enum KeyType { EC, RSA }

    private TestCertificates() {
    }

    public static Issued authority(String commonName) {
        KeyPair keys = newKeyPair(KeyType.EC);
        Instant now = Instant.now();
        var certificate = sign(new X500Name("CN=" + commonName), new X500Name("CN=" + commonName), keys, keys,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), true, List.of());
        return new Issued(keys, certificate, List.of(certificate));
    }

    public static Issued server(Issued authority, String dnsName, Instant notBefore, Instant notAfter) {
        return server(authority, dnsName, notBefore, notAfter, KeyType.EC);
    }

    /** With an RSA key for Postfix, which refuses BouncyCastle EC keys. */
    public static Issued server(Issued authority, String dnsName, Instant notBefore, Instant notAfter, KeyType keyType) {
        KeyPair keys = newKeyPair(keyType);
        var certificate = sign(new X500Name("CN=" + dnsName),
                new X500Name(authority.certificate().getSubjectX500Principal().getName()),
                keys, authority.keyPair(), notBefore, notAfter, false, List.of(dnsName));
        return new Issued(keys, certificate, List.of(certificate, authority.certificate()));
    }

    public static Issued server(Issued authority, String dnsName) {
        Instant now = Instant.now();
        return server(authority, dnsName, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)));
    }

    public static Issued selfSigned(String dnsName) {
        return selfSigned(dnsName, KeyType.EC);
    }

    public static Issued selfSigned(String dnsName, KeyType keyType) {
        KeyPair keys = newKeyPair(keyType);
        Instant now = Instant.now();
        var name = new X500Name("CN=" + dnsName);
        var certificate = sign(name, name, keys, keys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)),
                false, List.of(dnsName));
        return new Issued(keys, certificate, List.of(certificate));
    }

    public static SSLContext serverContext(Issued issued) {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", issued.keyPair().getPrivate(), PASSWORD,
                    issued.chain().toArray(X509Certificate[]::new));
            var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, PASSWORD);
            var context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyStore trustStore(X509Certificate... trusted) {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                store.setCertificateEntry("ca" + i, trusted[i]);
            }
            return store;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code cert.pem} (the chain, leaf first) and {@code key.pem} into {@code dir}, the
     * files Postfix's {@code smtpd_tls_cert_file} and {@code smtpd_tls_key_file} name.
     */
    public static void writePem(Issued issued, Path dir) throws IOException {
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(dir.resolve("cert.pem")))) {
            for (X509Certificate certificate : issued.chain()) {
                writer.writeObject(certificate);
            }
        }
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(dir.resolve("key.pem")))) {
            writer.writeObject(issued.keyPair().getPrivate());
        }
    }

    private static KeyPair newKeyPair(KeyType keyType) {
        try {
            var generator = KeyPairGenerator.getInstance(keyType.name());
            if (keyType == KeyType.EC) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name subject, X500Name issuer, KeyPair subjectKeys, KeyPair issuerKeys,
            Instant notBefore, Instant notAfter, boolean authority, List<String> dnsNames) {
        try {
            var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            if (authority) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                // an RSA key may also be used for the key exchange of older TLS 1.2 cipher suites
                int usage = "RSA".equals(subjectKeys.getPublic().getAlgorithm())
                        ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            }
            String algorithm = "RSA".equals(issuerKeys.getPrivate().getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
            var signer = new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
