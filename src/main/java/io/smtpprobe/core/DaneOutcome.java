package io.smtpprobe.core;

/**
 * What RFC 7672 DANE says about one MX host: its TLSA records (looked up with DNSSEC validation at
 * {@code _<port>._tcp.<host>}) checked against the certificate chain that host presented.
 *
 * @param status   the verdict
 * @param records  the usable TLSA records as presentation text ("3 1 1 ab12…"), empty when none
 * @param detail   a short human explanation (never server text); null when nothing more to say
 */
public record DaneOutcome(Status status, java.util.List<String> records, String detail) {

    public DaneOutcome {
        records = records == null ? java.util.List.of() : java.util.List.copyOf(records);
    }

    public enum Status {
        /** No TLSA records, or the zone is provably insecure (unsigned): DANE does not apply. */
        NO_TLSA,
        /** TLSA records exist but DNSSEC validation failed (bogus signature, expired RRSIG, wrong key). */
        DNSSEC_BOGUS,
        /** Secure TLSA records exist but none is usable for SMTP (e.g. only PKIX-TA/PKIX-EE, unknown parameters). */
        TLSA_UNUSABLE,
        /** Usable TLSA records and the presented chain matches at least one of them. */
        MATCH,
        /** Usable TLSA records and the presented chain matches none (or no TLS was possible at all). */
        NO_MATCH,
        /** The lookup itself failed (SERVFAIL, timeout): nothing can be concluded. */
        LOOKUP_FAILED
    }
}
