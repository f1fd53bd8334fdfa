package io.smtpprobe.engine.dane;

import io.smtpprobe.core.DaneOutcome;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.function.Predicate;

/**
 * Matches a presented chain against usable TLSA records as RFC 7672 §3.1 says an SMTP client does:
 * DANE-EE(3) pins the server's own certificate or key, and then names and dates do not matter
 * (§3.1.1); DANE-TA(2) pins an issuer the chain must lead to, and the server certificate must still
 * name the host (§3.1.2). Pure: no DNS, no clock.
 */
public final class TlsaMatcher {

    private TlsaMatcher() {
    }

    /**
     * @param usable       records that passed {@link Tlsa#usableForSmtp()}, at least one
     * @param chain        the chain as presented, server certificate first; empty when no TLS was established
     * @param namesTheHost whether a certificate names the MX host (the TLSA base domain), for DANE-TA
     */
    public static DaneOutcome judge(List<Tlsa> usable, List<X509Certificate> chain,
                                    Predicate<X509Certificate> namesTheHost) {
        List<String> shown = usable.stream().map(Tlsa::presentation).toList();
        if (chain.isEmpty()) {
            return new DaneOutcome(DaneOutcome.Status.NO_MATCH, shown,
                    "usable TLSA records but no TLS certificate to match: TLS was not established");
        }
        X509Certificate leaf = chain.get(0);
        String taWithoutName = null;
        for (Tlsa record : usable) {
            if (record.usage() == Tlsa.DANE_EE && matches(record, leaf)) {
                return new DaneOutcome(DaneOutcome.Status.MATCH, shown,
                        "DANE-EE: the server certificate matches " + record.presentation());
            }
        }
        for (Tlsa record : usable) {
            if (record.usage() == Tlsa.DANE_TA && chainsTo(record, chain)) {
                if (namesTheHost.test(leaf)) {
                    return new DaneOutcome(DaneOutcome.Status.MATCH, shown,
                            "DANE-TA: the chain leads to the trust anchor " + record.presentation());
                }
                taWithoutName = record.presentation();
            }
        }
        String detail = taWithoutName != null
                ? "the chain leads to the DANE-TA trust anchor " + taWithoutName + " but the certificate does not name the host"
                : "the presented chain matches none of the " + usable.size() + " usable TLSA record(s)";
        return new DaneOutcome(DaneOutcome.Status.NO_MATCH, shown, detail);
    }

    /** Whether this record's selector and matching type give its data for this certificate. */
    static boolean matches(Tlsa record, X509Certificate certificate) {
        byte[] selected = selected(record.selector(), certificate);
        return selected != null && MessageDigest.isEqual(associated(record.matchingType(), selected), record.data());
    }

    /**
     * DANE-TA: some issuer in the chain (not the server certificate itself) matches and every
     * certificate below it is signed by the next one up; or, when the record holds the whole trust
     * anchor (matching type 0), the server may leave it out and the top of the chain is signed by it.
     */
    private static boolean chainsTo(Tlsa record, List<X509Certificate> chain) {
        for (int anchor = 1; anchor < chain.size(); anchor++) {
            if (matches(record, chain.get(anchor)) && signedUpTo(chain, anchor)) {
                return true;
            }
        }
        if (record.matchingType() != 0) {
            return false;
        }
        PublicKey anchorKey = fullAnchorKey(record);
        return anchorKey != null && signedUpTo(chain, chain.size() - 1)
                && signedBy(chain.get(chain.size() - 1), anchorKey);
    }

    private static boolean signedUpTo(List<X509Certificate> chain, int anchor) {
        for (int i = 0; i < anchor; i++) {
            if (!signedBy(chain.get(i), chain.get(i + 1).getPublicKey())) {
                return false;
            }
        }
        return true;
    }

    private static boolean signedBy(X509Certificate certificate, PublicKey issuerKey) {
        try {
            certificate.verify(issuerKey);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static PublicKey fullAnchorKey(Tlsa record) {
        try {
            if (record.selector() == 0) {
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(record.data())).getPublicKey();
            }
            var spec = new X509EncodedKeySpec(record.data());
            for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePublic(spec);
                } catch (GeneralSecurityException notThisAlgorithm) {
                    // try the next
                }
            }
            return null;
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] selected(int selector, X509Certificate certificate) {
        try {
            return switch (selector) {
                case 0 -> certificate.getEncoded();
                case 1 -> certificate.getPublicKey().getEncoded();
                default -> null;
            };
        } catch (CertificateEncodingException e) {
            return null;
        }
    }

    static byte[] associated(int matchingType, byte[] selected) {
        try {
            return switch (matchingType) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> new byte[0];
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM lacks a required digest", e);
        }
    }

    /** The record that would pin this certificate with this usage, selector and matching type (tests, docs). */
    public static Tlsa recordFor(int usage, int selector, int matchingType, X509Certificate certificate) {
        byte[] selected = selected(selector, certificate);
        if (selected == null) {
            throw new IllegalArgumentException("selector " + selector);
        }
        return new Tlsa(usage, selector, matchingType, associated(matchingType, selected));
    }
}
