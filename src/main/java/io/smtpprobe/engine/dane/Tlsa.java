package io.smtpprobe.engine.dane;

import java.util.Arrays;
import java.util.HexFormat;
import org.xbill.DNS.TLSARecord;

/**
 * One TLSA record's parameters (RFC 6698 §2.1, names from RFC 7218) and association data.
 *
 * @param usage        0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector     0 the full certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 the data itself, 1 its SHA-256, 2 its SHA-512
 */
public record Tlsa(int usage, int selector, int matchingType, byte[] data) {
    public static final int PKIX_TA = 0;
    public static final int PKIX_EE = 1;
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;
    /** Presentation text keeps this many hex digits of the data: enough to tell records apart. */
    private static final int SHOWN_HEX_DIGITS = 16;

    public Tlsa {
        data = data.clone();
    }

    static Tlsa of(TLSARecord record) {
        return new Tlsa(record.getCertificateUsage(), record.getSelector(), record.getMatchingType(),
                record.getCertificateAssociationData());
    }

    /**
     * RFC 7672 §3.1.3: SMTP clients use only DANE-TA and DANE-EE, and only the selectors and
     * matching types they know; a record with anything else is "unusable" and ignored.
     */
    public boolean usableForSmtp() {
        return (usage == DANE_TA || usage == DANE_EE)
                && (selector == 0 || selector == 1)
                && (matchingType >= 0 && matchingType <= 2)
                && data.length > 0;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** "3 1 1 0a1b2c3d4e5f6a7b…": the zone-file form, the data shortened for reports. */
    public String presentation() {
        String hex = HexFormat.of().formatHex(data);
        return usage + " " + selector + " " + matchingType + " "
                + (hex.length() > SHOWN_HEX_DIGITS ? hex.substring(0, SHOWN_HEX_DIGITS) + "…" : hex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tlsa that && usage == that.usage && selector == that.selector
                && matchingType == that.matchingType && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * usage + selector) + matchingType) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }
}
