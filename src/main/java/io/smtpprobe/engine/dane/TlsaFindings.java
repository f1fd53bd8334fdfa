package io.smtpprobe.engine.dane;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.DaneOutcome.Status;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * What DNS said about one host's DANE: either a verdict already (no TLSA, insecure, bogus, failed,
 * nothing usable), or usable records that still need the chain the host presents.
 */
public final class TlsaFindings {

    private final DaneOutcome concluded;
    private final List<Tlsa> usable;

    private TlsaFindings(DaneOutcome concluded, List<Tlsa> usable) {
        this.concluded = concluded;
        this.usable = List.copyOf(usable);
    }

    static TlsaFindings concluded(DaneOutcome outcome) {
        return new TlsaFindings(outcome, List.of());
    }

    /** Usable records, to be matched against a chain (tests; the lookup makes these itself). */
    public static TlsaFindings usable(List<Tlsa> records) {
        return new TlsaFindings(null, records);
    }

    /**
     * @param address     the host's A or AAAA answer; null when it was not needed
     * @param addressType which of the two it is
     */
    static TlsaFindings of(Name tlsaName, ValidatedAnswer tlsa, Name host, ValidatedAnswer address, int addressType) {
        String at = tlsaName.toString(true);
        switch (tlsa.state()) {
            case FAILED:
                return concluded(new DaneOutcome(Status.LOOKUP_FAILED, List.of(), tlsa.detail()));
            case BOGUS:
                return concluded(new DaneOutcome(Status.DNSSEC_BOGUS, List.of(), tlsa.detail()));
            case INSECURE:
                return concluded(new DaneOutcome(Status.NO_TLSA, List.of(), tlsa.records().isEmpty()
                        ? "no TLSA records at " + at + " (not DNSSEC-signed)"
                        : "TLSA records at " + at + " are not DNSSEC-signed: DANE does not apply"));
            default:
                break;
        }
        if (tlsa.records().isEmpty()) {
            return concluded(new DaneOutcome(Status.NO_TLSA, List.of(), "no TLSA records at " + at + " (DNSSEC-proven)"));
        }
        if (address != null && address.state() != ValidatedAnswer.State.SECURE) {
            return switch (address.state()) {
                case BOGUS -> concluded(new DaneOutcome(Status.DNSSEC_BOGUS, List.of(), address.detail()));
                case FAILED -> concluded(new DaneOutcome(Status.LOOKUP_FAILED, List.of(), address.detail()));
                default -> concluded(new DaneOutcome(Status.NO_TLSA, List.of(), "signed TLSA records, but the "
                        + Type.string(addressType) + " records of " + host.toString(true)
                        + " are not DNSSEC-signed: DANE does not apply (RFC 7672 2.2.2)"));
            };
        }
        List<Tlsa> all = TlsaLookup.tlsaRecords(tlsa);
        List<Tlsa> usable = all.stream().filter(Tlsa::usableForSmtp).toList();
        if (usable.isEmpty()) {
            return concluded(new DaneOutcome(Status.TLSA_UNUSABLE, List.of(),
                    "none of the TLSA records at " + at + " is usable for SMTP (only DANE-TA(2) and DANE-EE(3) are, "
                            + "RFC 7672 3.1.3): " + all.stream().map(Tlsa::presentation).collect(Collectors.joining(", "))));
        }
        return new TlsaFindings(null, usable);
    }

    /**
     * The verdict for the chain this host presented.
     *
     * @param chain        server certificate first; empty when no TLS session was established
     * @param namesTheHost whether a certificate names the host, for DANE-TA
     */
    public DaneOutcome judge(List<X509Certificate> chain, Predicate<X509Certificate> namesTheHost) {
        return concluded != null ? concluded : TlsaMatcher.judge(usable, chain, namesTheHost);
    }

    @Override
    public String toString() {
        return concluded != null ? concluded.toString() : "usable " + usable;
    }
}
